/**
 * Finds host processes by what their command line names. A sandboxed run prints the pid it sees,
 * which inside the fast tier's second wall (its own PID namespace) is not a host pid; a run's
 * processes are found on the host by their command line instead (bubblewrap's and Deno's name the
 * run's workspace).
 *
 * @module
 */

/** Host pids (not zombies, not this process) whose command line contains `text`. */
export function processesNaming(text: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || entry.name === String(Deno.pid)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      if (cmdline.includes(text) && !/^\d+ \(.*\) Z/.test(stat)) found.push(Number(entry.name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
