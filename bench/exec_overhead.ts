/**
 * Exec overhead per tier: `mcpx exec` of a script that makes no tool call, against a bare
 * `deno run` of the same file with the same permission flags (fast tier), and the strict tier
 * against the fast tier.
 *
 * @module
 */
import { ROOT } from "../tests/helpers/paths.ts";
import { loadConfig } from "../lib/config/load.ts";
import { execSkill } from "../lib/harness/exec.ts";
import { bareDenoArgs, deno, mcpx, NOOP, podmanAvailable } from "./_exec.ts";
import { type BenchRow, compare, compareMeasured } from "./_stats.ts";

const RUNS = 15;
const SCRIPT = NOOP;

/** Runs the exec benchmarks. */
export async function run(): Promise<BenchRow[]> {
  const bareArgs = bareDenoArgs(SCRIPT);
  const rows: BenchRow[] = [
    await compare("exec", {
      name: "mcpx exec (fast tier), no tool call",
      run: () => mcpx(["exec", SCRIPT]),
    }, {
      name: "deno run, same file and flags",
      run: () => deno(bareArgs),
    }, { runs: RUNS, target: { text: "≤ 2× bare deno", maxRatio: 2 } }),
  ];
  // A long-lived harness (mcpx serve's run_skill and execute_code) pays no start-up per run.
  const config = await loadConfig({ cwd: ROOT });
  rows.push(
    await compare("exec", {
      name: "execSkill() in a long-lived harness (mcpx serve), fast tier",
      run: async () => {
        const result = await execSkill(SCRIPT, [], { config, cwd: ROOT, onStdout: () => {} });
        if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode}`);
      },
    }, {
      name: "deno run, same file and flags",
      run: () => deno(bareArgs),
    }, { runs: RUNS, target: { text: "≤ 2× bare deno", maxRatio: 2 } }),
  );
  if (await podmanAvailable()) {
    rows.push(
      await compare("exec", {
        name: "mcpx exec --tier podman, no tool call",
        run: () => mcpx(["exec", "--tier", "podman", SCRIPT]),
      }, {
        name: "mcpx exec (fast tier)",
        run: () => mcpx(["exec", SCRIPT]),
      }, { runs: 7, target: { text: "≤ +600 ms over fast tier", maxDeltaMs: 600 } }),
    );
    // 100 tool calls through the bridge from inside the container, timed inside the skill.
    const calls = (tier: string) => async () =>
      Number(
        (await mcpx([
          "exec",
          "--tier",
          tier,
          "--servers",
          "everything",
          "bench/fixtures/echo_skill.ts",
          "--count",
          "100",
        ])).trim(),
      );
    rows.push(
      await compareMeasured(
        "exec",
        {
          name: "100 echo calls from inside the podman container",
          measure: calls("podman"),
        },
        { name: "same from the fast tier", measure: calls("deno") },
        { runs: 5 },
      ),
    );
  } else {
    console.error("[bench] podman not available: strict-tier row not measured");
  }
  return rows;
}
