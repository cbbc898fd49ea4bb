/**
 * The resident daemon (`mcpx daemon`): warm `mcpx exec`, the README's main job and `mcpx call`
 * against bare `deno run`, mcporter's warm daemon call (when `MCPORTER_BIN` names an installed
 * mcporter 0.12.3 with a `config/mcporter.json` keep-alive `everything` in `MCPORTER_DIR`), and
 * what the thin client's look-up costs a command when no daemon runs.
 *
 * @module
 */
import { join } from "node:path";
import { bareDenoArgs, deno, mcpx, NOOP } from "./_exec.ts";
import { type BenchRow, compare } from "./_stats.ts";

const RUNS = 10;

/** Runs the daemon benchmarks (a daemon of its own, in a temporary directory). */
export async function run(): Promise<BenchRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-bench-daemon-" });
  const warm = { MCPX_DAEMON_DIR: join(dir, "d") };
  const mcpxWarm = (args: readonly string[]) => mcpx(args, warm);
  const oneLine = join(dir, "one_line.ts");
  await Deno.writeTextFile(oneLine, 'console.log("Echo: hi");\n');
  const bareNoop = bareDenoArgs(NOOP);
  const rows: BenchRow[] = [];
  try {
    // Cold: the look-up for a daemon when none runs, against skipping it.
    rows.push(
      await compare("daemon", {
        name: "mcpx servers --json, no daemon running (client looks for one)",
        run: () => mcpxWarm(["servers", "--json"]),
      }, {
        name: "same with --no-daemon",
        run: () => mcpxWarm(["--no-daemon", "servers", "--json"]),
      }, { runs: RUNS, target: { text: "≤ +3 ms (cold path no slower)", maxDeltaMs: 3 } }),
    );
    await mcpxWarm(["daemon", "start"]);
    await mcpxWarm(["exec", "skills/multi_tool_pipeline.ts", "--target", "cache"]);
    await mcpxWarm(["call", "everything", "echo", "message=hi"]);
    rows.push(
      await compare("daemon", {
        name: "mcpx exec no-op script, daemon warm",
        run: () => mcpxWarm(["exec", NOOP]),
      }, {
        name: "deno run, same file and flags",
        run: () => deno(bareNoop),
      }, { runs: RUNS, target: { text: "≤ 2.5× bare deno", maxRatio: 2.5 } }),
    );
    const pipeline = await compare("daemon", {
      name: "README main job (multi_tool_pipeline --target cache), daemon warm",
      run: () => mcpxWarm(["exec", "skills/multi_tool_pipeline.ts", "--target", "cache"]),
    }, {
      name: "same, --no-daemon",
      run: () =>
        mcpxWarm(["--no-daemon", "exec", "skills/multi_tool_pipeline.ts", "--target", "cache"]),
    }, { runs: RUNS });
    rows.push({ ...pipeline, target: "≤ 80 ms", met: pipeline.summary.median <= 80 });
    rows.push(
      await compare("daemon", {
        name: "mcpx call everything echo, daemon warm",
        run: () => mcpxWarm(["call", "everything", "echo", "message=hi"]),
      }, {
        name: "deno run of a one-line file",
        run: () => deno(["run", "--no-prompt", oneLine]),
      }, { runs: RUNS, target: { text: "≤ 2.5× bare deno", maxRatio: 2.5 } }),
    );
    const mcporter = Deno.env.get("MCPORTER_BIN");
    const mcporterDir = Deno.env.get("MCPORTER_DIR");
    if (mcporter && mcporterDir) {
      const porter = async () => {
        const out = await new Deno.Command(mcporter, {
          args: ["call", "everything.echo", "message=hi"],
          cwd: mcporterDir,
          stdout: "piped",
          stderr: "null",
        }).output();
        if (!out.success) throw new Error("mcporter call failed");
      };
      await porter();
      rows.push(
        await compare("daemon", {
          name: "mcpx call everything echo, daemon warm",
          run: () => mcpxWarm(["call", "everything", "echo", "message=hi"]),
        }, {
          name: "mcporter 0.12.3 call everything.echo, its daemon warm",
          run: porter,
        }, { runs: RUNS, target: { text: "≤ 0.2× mcporter", maxRatio: 0.2 } }),
      );
    } else {
      console.error("[bench] daemon: MCPORTER_BIN/MCPORTER_DIR not set, mcporter row skipped");
    }
  } finally {
    await mcpxWarm(["daemon", "stop"]).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
  return rows;
}
