/**
 * The daemon's lifecycle: its private directory (claimed, swept when stale, removed on exit),
 * the watchdog that kills its process group and removes that directory when it dies without
 * cleaning up (SIGKILL included), and starting a detached daemon.
 *
 * Why a process group and a watchdog: Deno's `Command` API has no `PR_SET_PDEATHSIG`, and MCP
 * servers started through `npx`/`deno run npm:` are grandchildren anyway. A detached daemon is
 * the leader of its own session and group, and every server and sandbox it starts inherits that
 * group. The watchdog is a separate `sh` in its own session holding the read end of a pipe whose
 * only write end is the daemon's: when the daemon dies, the pipe ends, and the watchdog sends
 * SIGKILL to the whole group and to every group a run registered, removes every podman container
 * a run registered (`podman rm --force`: a container runs under podman's `conmon`, outside the
 * daemon's groups), and removes the directory (unless the daemon said "clean" first).
 *
 * @module
 */
import { dirname } from "node:path";
import { McpxError } from "../errors.ts";
import { daemonBase, type DaemonPaths } from "./protocol.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const OWN_CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** The command line that runs `mcpx daemon start --foreground` for `configPath`. */
export function daemonCommand(configPath: string | null, extra: readonly string[] = []): string[] {
  return [
    Deno.execPath(),
    "run",
    "--allow-all",
    "--no-prompt",
    "--quiet",
    "--config",
    OWN_CONFIG,
    CLI,
    "daemon",
    "start",
    "--foreground",
    ...extra,
    ...(configPath === null ? [] : ["--config", configPath]),
  ];
}

/**
 * Starts a detached daemon for `configPath` (its own session and process group; output to the
 * `log` file in its directory) and waits until its socket answers. Throws with the log's last
 * lines when it does not come up.
 */
export async function startDetached(
  configPath: string | null,
  paths: DaemonPaths,
  options: {
    /** The daemon's environment (its servers inherit it). */
    env: Readonly<Record<string, string>>;
    /** How long to wait for its socket. @default 15000 */
    timeoutMs?: number;
  },
): Promise<number> {
  const { env, timeoutMs = 15_000 } = options;
  if (await answers(paths.socket)) {
    throw new McpxError(
      "DAEMON_ERROR",
      `A daemon already runs for this config (socket ${paths.socket}); ` +
        `"mcpx daemon restart" replaces it.`,
    );
  }
  Deno.mkdirSync(dirname(dirname(paths.dir)), { recursive: true });
  mkdirPrivate(dirname(paths.dir));
  mkdirPrivate(paths.dir);
  const [program, ...args] = daemonCommand(configPath);
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$@" >>"$MCPX_DAEMON_LOG" 2>&1', "sh", program!, ...args],
    env: { ...env, MCPX_DAEMON_LOG: paths.log },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    if (await answers(paths.socket)) return child.pid;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  let log = "";
  try {
    log = Deno.readTextFileSync(paths.log).trim().split("\n").slice(-3).join(" | ");
  } catch {
    // No log written.
  }
  if (!exited) {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  if (!exited || !log.includes("already runs")) releaseDir(paths);
  throw new McpxError(
    "DAEMON_ERROR",
    `the daemon did not start${exited ? "" : ` within ${timeoutMs / 1000} s`}` +
      `${log === "" ? "" : `: ${log}`}; run "mcpx daemon start --foreground" to see why.`,
  );
}

/** The daemon's side of the watchdog pipe. */
export interface Watchdog {
  /** Tells the watchdog the daemon cleaned up itself, so it does nothing. */
  clean(): void;
  /** Ends the pipe without "clean": the watchdog kills the group and removes the directory. */
  abandon(): void;
  /** Sends one line: `+PGID` / `-PGID` (a process group to kill too, or not any more),
   * `c+NAME PODMAN` / `c-NAME` (a container to remove with that podman, or not any more). */
  line(text: string): void;
}

/** The process group of this process, from /proc (Linux); `undefined` elsewhere. */
export function ownProcessGroup(): number | undefined {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    // Fields after the command name (which may contain spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** Whether a process `pid` runs (a zombie, dead but not yet reaped, does not). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const WATCHDOG = `trap '' INT TERM HUP
set -f
nl='
'
groups=""
containers=""
while IFS= read -r line; do
  case "$line" in
    clean) exit 0 ;;
    c+*) containers="$containers$nl\${line#c+}" ;;
    c-*) kept=""; IFS=$nl; for c in $containers; do [ "\${c%% *}" = "\${line#c-}" ] || kept="$kept$nl$c"; done; unset IFS; containers=$kept ;;
    +*) groups="$groups \${line#+}" ;;
    -*) kept=""; for g in $groups; do [ "$g" = "\${line#-}" ] || kept="$kept $g"; done; groups=$kept ;;
  esac
done
for g in $1 $groups; do kill -KILL "-$g" 2>/dev/null; done
cd -- "$2" 2>/dev/null || cd /
IFS=$nl
for c in $containers; do
  "\${c#* }" rm --force --time 0 --ignore "\${c%% *}" >/dev/null 2>&1 </dev/null &
done
unset IFS
wait
sleep 0.05
grep -q "\\"pid\\":$3," "$2/pid" 2>/dev/null && rm -rf -- "$2"
exit 0`;

/**
 * Starts the watchdog. It kills this process's group only when this process leads it (a
 * detached daemon); a daemon run in another process's group (never the case for
 * `mcpx daemon start`) only gets its directory removed.
 */
export function startWatchdog(paths: DaemonPaths): Watchdog {
  const group = ownProcessGroup() === Deno.pid ? String(Deno.pid) : "";
  const child = new Deno.Command("sh", {
    args: ["-c", WATCHDOG, "mcpx-daemon-watchdog", group, paths.dir, String(Deno.pid)],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  const writer = child.stdin.getWriter();
  return {
    line(text) {
      writer.write(new TextEncoder().encode(`${text}\n`)).catch(() => {});
    },
    abandon() {
      writer.close().catch(() => {});
    },
    clean() {
      writer.write(new TextEncoder().encode("clean\n")).catch(() => {});
      writer.close().catch(() => {});
    },
  };
}

function checkPrivate(path: string): void {
  const info = Deno.lstatSync(path);
  const uid = Deno.uid();
  if (!info.isDirectory || (uid !== null && info.uid !== uid) || ((info.mode ?? 0) & 0o077) !== 0) {
    throw new McpxError(
      "DAEMON_ERROR",
      `${path} is not a private directory of this user (it must be owned by you with mode 0700); ` +
        `remove it or set MCPX_DAEMON_DIR to a directory of your own.`,
    );
  }
}

function mkdirPrivate(path: string): void {
  try {
    Deno.mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  checkPrivate(path);
}

/** Whether a daemon answers on `socket`. */
export async function answers(socket: string): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path: socket });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the daemon directory: fails when a live daemon answers there, sweeps what a dead one
 * left (socket, pid file, temp files), and creates it private (0700).
 */
export async function claimDir(paths: DaemonPaths): Promise<void> {
  const base = dirname(paths.dir);
  Deno.mkdirSync(dirname(base), { recursive: true });
  mkdirPrivate(base);
  if (await answers(paths.socket)) {
    throw new McpxError(
      "DAEMON_ERROR",
      `A daemon already runs for this config (socket ${paths.socket}); ` +
        `"mcpx daemon stop" stops it, "mcpx daemon status" shows it.`,
    );
  }
  mkdirPrivate(paths.dir);
  // Sweep what a dead daemon left (its log, if any, is the one being written now: kept).
  for (const entry of Deno.readDirSync(paths.dir)) {
    if (entry.name !== "log") Deno.removeSync(`${paths.dir}/${entry.name}`, { recursive: true });
  }
  Deno.mkdirSync(paths.tmp, { mode: 0o700 });
}

/** Removes the daemon directory (socket, pid file, temp files). */
export function releaseDir(paths: DaemonPaths): void {
  try {
    Deno.removeSync(paths.dir, { recursive: true });
  } catch {
    // Already gone.
  }
}

/** The base directory exists and is private (or does not exist yet). */
export function baseIsPrivate(env: Readonly<Record<string, string>>): void {
  try {
    checkPrivate(daemonBase(env));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
