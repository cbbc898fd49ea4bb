/**
 * `mcpx doctor [--json] [--refresh]`: which sandbox guarantees hold on this host, measured by
 * starting real containers (see `lib/sandbox/doctor.ts`).
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand } from "./command.ts";
import { loadConfig } from "../config/load.ts";
import { formatColumns } from "../_columns.ts";
import { type DoctorReport, runDoctor, STRICT_TIER_CHECKS } from "../sandbox/doctor.ts";

const HELP = `mcpx doctor: report which sandbox guarantees hold on this host

Usage:
  mcpx doctor [--json] [--refresh]

Each guarantee is measured by a real run that tries to cross it, not assumed: for the fast tier a
probe with Deno's permissions switched off (host file, harness process, host port) behind the
second wall (bubblewrap) and a memory hog under the run's cgroup; for podman a real container (a
memory hog, a thread bomb, a write to /, a connection out). Results are cached for 10 minutes
(~/.cache/mcpx/doctor-*.json); --refresh measures again. The podman tier refuses to run while a
guarantee it promises does not hold; each "no" comes with its fix.

Options:
  --refresh       measure again instead of using the cached report
${COMMON_HELP}`;

/** The `doctor` command. */
export const command: Command = defineCommand({
  name: "doctor",
  summary: "report which sandbox guarantees hold on this host",
  help: HELP,
  options: {
    refresh: { type: "boolean" },
  },
  maxPositionals: 0,
  async run({ values }, io) {
    const config = await loadConfig({
      ...(values.config === undefined ? {} : { path: values.config }),
      cwd: io.cwd,
      env: io.env,
    });
    for (const warning of config.warnings) io.err(`warning: ${warning}\n`);
    const report = await runDoctor({
      image: config.sandbox.image,
      runtime: config.sandbox.ociRuntime,
      ...(values.refresh ? { refresh: true } : {}),
    });
    const strictOk = report.checks.filter((c) => STRICT_TIER_CHECKS.includes(c.id))
      .every((c) => c.ok);
    const sandbox = config.sandbox;
    const asked = {
      path: config.path ?? null,
      tier: sandbox.tier,
      image: sandbox.image ?? null,
      memoryMb: sandbox.memoryMb,
      pidsLimit: sandbox.pidsLimit,
      cpus: sandbox.cpus,
    };
    if (values.json) {
      io.out(
        `${JSON.stringify({ ...report, strictTierUsable: strictOk, config: asked }, null, 2)}\n`,
      );
      return 0;
    }
    io.out(
      `Config ${
        asked.path ?? "(none found; defaults)"
      }: default tier ${asked.tier}; podman limits ` +
        `${asked.memoryMb} MiB, ${asked.pidsLimit} pids, ${asked.cpus} cpus; ` +
        `${asked.image ? `image ${asked.image}` : "locally built rootfs"}\n`,
    );
    io.out(renderReport(report, strictOk));
    return 0;
  },
});

/** The human-readable table. */
export function renderReport(report: DoctorReport, strictOk: boolean): string {
  const rows = report.checks.map((c) => [c.tier, c.label, c.ok ? "yes" : "NO", c.detail]);
  const header = ["TIER", "GUARANTEE", "HOLDS", "MEASURED"];
  const fixes = report.checks.filter((c) => !c.ok && c.fix !== undefined)
    .map((c) => `  ${c.label}: ${c.fix}`);
  const when = `${report.measuredAt}${report.cached ? ", cached; --refresh to measure again" : ""}`;
  return [
    `Sandbox guarantees on this host (uid ${report.uid}, measured ${when})`,
    "",
    formatColumns([header, ...rows]).trimEnd(),
    "",
    ...(fixes.length ? ["Fixes:", ...fixes, ""] : []),
    fastTierSummary(report),
    strictOk
      ? "The podman tier (--tier podman) can run here with every guarantee."
      : "The podman tier (--tier podman) refuses to run here until the fixes above are applied.",
    "",
  ].join("\n");
}

/** One line on what confines a fast-tier run here. */
function fastTierSummary(report: DoctorReport): string {
  const wall = report.checks.find((c) => c.id === "deno.wall")?.ok === true;
  const memory = report.checks.find((c) => c.id === "deno.memory_limit")?.ok === true;
  return `The fast tier (--tier deno) runs ${
    wall ? "inside its second wall (bubblewrap)" : "on Deno's permissions alone (no second wall)"
  } with ${memory ? "one memory limit for the whole run" : "a heap cap per isolate only"}.`;
}
