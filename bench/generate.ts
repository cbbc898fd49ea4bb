/**
 * `mcpx generate` on the default config, end to end as a user runs it (a subprocess: config,
 * three servers started in parallel, wrappers written, servers stopped).
 *
 * @module
 */
import { CLI, ROOT } from "../tests/helpers/paths.ts";
import { type BenchRow, sample, summarize } from "./_stats.ts";

async function generate(out: string): Promise<void> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, "generate", "--out", out],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (result.code !== 0) {
    throw new Error(`mcpx generate failed: ${new TextDecoder().decode(result.stderr)}`);
  }
}

/** Runs the generate benchmark. */
export async function run(): Promise<BenchRow[]> {
  const out = await Deno.makeTempDir({ prefix: "mcpx-bench-generate-" });
  try {
    const samples = await sample(() => generate(out), { runs: 5, warmup: 1 });
    return [{
      group: "generate",
      name: "mcpx generate, default config (3 servers)",
      summary: summarize(samples),
    }];
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
