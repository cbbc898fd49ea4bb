/**
 * Lazy loading: `mcpx exec` of a skill that calls one server, with 1 server configured against
 * 10 configured (the 9 others are never started).
 *
 * @module
 */
import { join } from "node:path";
import { SERVERS } from "../tests/helpers/paths.ts";
import { mcpx } from "./_exec.ts";
import { type BenchRow, compare } from "./_stats.ts";

async function writeConfig(dir: string, count: number): Promise<string> {
  const server = { command: Deno.execPath(), args: ["run", "-A", "--quiet", SERVERS.everything] };
  const servers: Record<string, unknown> = { everything: server };
  for (let i = 1; i < count; i++) servers[`e${i}`] = server;
  const path = join(dir, `mcp_config_${count}.json`);
  await Deno.writeTextFile(path, JSON.stringify({ mcpServers: servers }));
  return path;
}

/** Runs the lazy-loading benchmark. */
export async function run(): Promise<BenchRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-bench-lazy-" });
  try {
    const one = await writeConfig(dir, 1);
    const ten = await writeConfig(dir, 10);
    const exec = (config: string) =>
      mcpx([
        "exec",
        "--config",
        config,
        "--servers",
        "everything",
        "bench/fixtures/echo_skill.ts",
        "--count",
        "1",
      ]);
    return [
      await compare("lazy", { name: "exec, 1 server used, 10 configured", run: () => exec(ten) }, {
        name: "same, 1 configured",
        run: () => exec(one),
      }, { runs: 15, target: { text: "≤ 5 % over 1 configured", maxRatio: 1.05 } }),
    ];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
