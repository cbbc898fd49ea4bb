/**
 * What the daemon tests look at: the processes below a daemon, whether they and its files are
 * gone, and `mcpx daemon status --json`.
 *
 * @module
 */
import type { CliRun } from "./cli.ts";
import { SERVERS } from "./paths.ts";

export { alive } from "../../lib/daemon/lifecycle.ts";
export { exists } from "../../lib/sandbox/_cgroup_detect.ts";

/** Pids of processes whose process group is `group`. */
export function groupMembers(group: number): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === group && fields[0] !== "Z") pids.push(Number(entry.name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Pids of every process below `pid`, with their command lines. */
export function descendants(pid: number): Map<number, string> {
  const parents = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      parents.set(Number(entry.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const found = new Map<number, string>();
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([p]) => p);
    for (const p of next) {
      try {
        found.set(p, Deno.readTextFileSync(`/proc/${p}/cmdline`).replaceAll("\0", " "));
      } catch {
        found.set(p, "");
      }
    }
    frontier = next;
  }
  return found;
}

/** Polls `check` every 50 ms until it holds or `ms` passed; resolves to its last answer. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return await check();
}

/** `mcpx daemon status --json`, parsed. */
// deno-lint-ignore no-explicit-any
export async function status(mcpx: (args: string[]) => Promise<CliRun>): Promise<any> {
  const run = await mcpx(["daemon", "status", "--json"]);
  return JSON.parse(run.stdout);
}

/** A config entry for server-everything over stdio, as the daemon tests configure it. */
export function everythingServer(): { command: string; args: string[] } {
  return { command: "deno", args: ["run", "--allow-all", "--quiet", SERVERS.everything] };
}
