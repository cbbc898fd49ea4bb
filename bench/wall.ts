/**
 * The cost of the fast tier's second wall: one run of a script that prints one line through
 * `DenoTier` with the wall (bubblewrap mount view and namespaces, plus the run's cgroup) against
 * the same run without either, interleaved in the same process.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT } from "../tests/helpers/paths.ts";
import { wallSupport } from "../lib/sandbox/bwrap.ts";
import { DenoTier } from "../lib/sandbox/deno_tier.ts";
import { resolveDenoDir } from "../lib/sandbox/env.ts";
import { makeGrant } from "../lib/sandbox/grant.ts";
import { scratchRunSpec } from "../lib/sandbox/_wall_doctor.ts";
import { type BenchRow, compare } from "./_stats.ts";

const RUNS = 21;

/** Runs the wall benchmark (empty where bubblewrap cannot run). */
export async function run(): Promise<BenchRow[]> {
  const support = await wallSupport();
  if (!support.available) {
    console.error(`[bench] wall: skipped (${support.reason})`);
    return [];
  }
  const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_bench_wall_" }));
  try {
    const denoDir = await resolveDenoDir();
    const script = join(ROOT, "bench/fixtures/noop.ts");
    const runOnce = (tier: DenoTier) => async () => {
      const grant = makeGrant({
        code: [join(ROOT, "bench/fixtures"), denoDir],
        read: [workspace],
        write: [workspace],
      });
      const outcome = await tier.run(
        scratchRunSpec(workspace, { entry: script, entryArgs: [], grant, denoDir }),
      );
      if (outcome.code !== 0) throw new Error(`exit ${outcome.code}`);
    };
    return [
      await compare("wall", {
        name: "fast-tier run inside the second wall (bubblewrap + cgroup)",
        run: runOnce(new DenoTier()),
      }, {
        name: "the same run without the wall",
        run: runOnce(new DenoTier({ wall: false })),
      }, { runs: RUNS, warmup: 2, target: { text: "≤ +15 ms per run", maxDeltaMs: 15 } }),
    ];
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}
