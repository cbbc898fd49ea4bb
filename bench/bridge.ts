/**
 * The bridge's cost: 1,000 sequential and 1,000 concurrent `echo` calls from a skill in the fast
 * tier (timed inside the sandbox, after a first call that connects), against the same calls made
 * in-process by `McpClientManager`, both to server-everything over streamable HTTP. Each mode is
 * measured twice through the bridge, with a config that has no policy and with one that has
 * rules of every kind (the checkpoint's cost), interleaved with the in-process baseline.
 *
 * @module
 */
import { join } from "node:path";
import { McpClientManager } from "../lib/client/manager.ts";
import { httpServer, startEverything, testConfig } from "../tests/helpers/servers.ts";
import { mcpx } from "./_exec.ts";
import { type BenchRow, summarize } from "./_stats.ts";

const CALLS = 1000;
const RUNS = 3;
const TARGET = { text: "≤ 1.3× in-process", maxRatio: 1.3 };

async function inProcess(manager: McpClientManager, concurrent: boolean): Promise<number> {
  await manager.callTool("everything", "echo", { message: "warm" });
  const start = performance.now();
  if (concurrent) {
    await Promise.all(
      Array.from(
        { length: CALLS },
        (_, i) => manager.callTool("everything", "echo", { message: `m${i}` }),
      ),
    );
  } else {
    for (let i = 0; i < CALLS; i++) {
      await manager.callTool("everything", "echo", { message: `m${i}` });
    }
  }
  return performance.now() - start;
}

/** Runs the bridge benchmarks. */
export async function run(): Promise<BenchRow[]> {
  await using server = await startEverything("streamableHttp");
  const url = `http://127.0.0.1:${server.port}/mcp`;
  const dir = await Deno.makeTempDir({ prefix: "mcpx-bench-bridge-" });
  const manager = new McpClientManager({ config: testConfig(httpServer("everything", url)) });
  try {
    const plain = join(dir, "mcp_config.json");
    const audit = { path: join(dir, "audit.jsonl") };
    await Deno.writeTextFile(
      plain,
      JSON.stringify({ mcpServers: { everything: { type: "http", url } }, audit }),
    );
    const policy = join(dir, "policy_config.json");
    await Deno.writeTextFile(
      policy,
      JSON.stringify({
        mcpServers: { everything: { type: "http", url, disabledTools: ["get-env"] } },
        policies: {
          "*": "allow",
          "*.delete_*": "block",
          "everything.get-*": "approve",
          "everything.gzip-*": "block-private-urls",
          "filesystem.write_*": "approve",
          "everything.echo": "allow",
        },
        audit,
      }),
    );
    const rows: BenchRow[] = [];
    for (const concurrent of [false, true]) {
      const mode = concurrent ? "concurrent" : "sequential";
      const bridge = async (config: string) =>
        Number(
          (await mcpx([
            "exec",
            "--config",
            config,
            "--allow-net",
            `127.0.0.1:${server.port}`,
            "bench/fixtures/echo_skill.ts",
            "--count",
            String(CALLS),
            ...(concurrent ? ["--concurrent"] : []),
          ])).trim(),
        );
      const samples = { plain: [] as number[], policy: [] as number[], local: [] as number[] };
      for (let i = 0; i < RUNS + 1; i++) {
        const plainMs = await bridge(plain);
        const policyMs = await bridge(policy);
        const localMs = await inProcess(manager, concurrent);
        if (i === 0) continue; // warm-up
        samples.plain.push(plainMs);
        samples.policy.push(policyMs);
        samples.local.push(localMs);
      }
      const baseline = {
        name: "same calls in-process (McpClientManager)",
        summary: summarize(samples.local),
      };
      for (
        const [name, values] of [
          [`${CALLS} ${mode} echo calls through the bridge`, samples.plain],
          [
            `${CALLS} ${mode} echo calls through the bridge, policy config (6 rules)`,
            samples.policy,
          ],
        ] as const
      ) {
        const summary = summarize(values);
        const ratio = Math.round((summary.median / baseline.summary.median) * 100) / 100;
        rows.push({
          group: "bridge",
          name,
          summary,
          baseline,
          ratio,
          deltaMs: Math.round((summary.median - baseline.summary.median) * 10) / 10,
          target: TARGET.text,
          met: ratio <= TARGET.maxRatio,
        });
      }
    }
    return rows;
  } finally {
    await manager.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
}
