/**
 * The bridge's cost: 1,000 sequential and 1,000 concurrent `echo` calls from a skill in the fast
 * tier (timed inside the sandbox, after a first call that connects), against the same calls made
 * in-process by `McpClientManager`, both to server-everything over streamable HTTP.
 *
 * @module
 */
import { join } from "node:path";
import { McpClientManager } from "../lib/client/manager.ts";
import { httpServer, startEverything, testConfig } from "../tests/helpers/servers.ts";
import { mcpx } from "./_exec.ts";
import { type BenchRow, compareMeasured } from "./_stats.ts";

const CALLS = 1000;
const RUNS = 5;

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
    const config = join(dir, "mcp_config.json");
    await Deno.writeTextFile(
      config,
      JSON.stringify({ mcpServers: { everything: { type: "http", url } } }),
    );
    const rows: BenchRow[] = [];
    for (const concurrent of [false, true]) {
      const mode = concurrent ? "concurrent" : "sequential";
      rows.push(
        await compareMeasured("bridge", {
          name: `${CALLS} ${mode} echo calls through the bridge`,
          measure: async () =>
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
            ),
        }, {
          name: `same calls in-process (McpClientManager)`,
          measure: () => inProcess(manager, concurrent),
        }, { runs: RUNS, target: { text: "≤ 1.3× in-process", maxRatio: 1.3 } }),
      );
    }
    return rows;
  } finally {
    await manager.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
}
