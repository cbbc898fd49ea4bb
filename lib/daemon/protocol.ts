/**
 * The daemon's wire protocol and where its socket lives. Deliberately free of imports: the thin client (`cli.ts` before it loads any command) uses this module, and the
 * whole point of the daemon is that this path loads nothing heavy (no zod, no MCP SDK).
 *
 * Frames are one JSON object per line over a Unix stream socket.
 * Client → daemon: `run`, `cancel`, `status`, `stop`. Daemon → client: `out`, `err`, `exit`,
 * `status`, `error`.
 *
 * @module
 */

// Tiny POSIX path helpers: `node:path` alone costs the thin client ~5 ms of start-up.
const isAbsolute = (path: string) => path.startsWith("/");
const join = (...parts: string[]) => parts.join("/").replace(/\/+/g, "/");
const resolve = (base: string, path: string) => isAbsolute(path) ? path : join(base, path);

/** The commands the thin client forwards to a running daemon (`serve` over stdio only). */
export const FORWARDED = new Set(["exec", "call", "tools", "servers", "serve"]);

/** Forwarded commands whose standard input the client passes on (`in` and `eof` frames). */
export const READS_STDIN = new Set(["serve"]);

/** A frame the client sends. */
export type ClientFrame =
  | { t: "run"; argv: string[]; cwd: string; env: Record<string, string>; tty?: boolean }
  | { t: "in"; d: string }
  | { t: "eof" }
  | { t: "cancel" }
  | { t: "status" }
  | { t: "stop" };

/** A frame the daemon sends. */
export type DaemonFrame =
  | { t: "out"; d: string }
  | { t: "err"; d: string }
  | { t: "exit"; code: number }
  | { t: "status"; status: DaemonStatus }
  | { t: "error"; message: string };

/** What `mcpx daemon status` reports. */
export interface DaemonStatus {
  /** The daemon's pid. */
  readonly pid: number;
  /** The config file it serves (real path), or `null` when none was found. */
  readonly config: string | null;
  /** Seconds since it started. */
  readonly uptimeSeconds: number;
  /** The daemon's own resident memory in KiB. */
  readonly rssKiB: number | null;
  /** Commands run so far. */
  readonly runs: number;
  /** Commands running right now. */
  readonly inFlight: readonly { readonly argv: readonly string[]; readonly seconds: number }[];
  /** Fast-tier sandboxes started ahead, waiting for their run (`daemon.warm_runs`). */
  readonly warmSandboxes: number;
  /** One row per configured server. */
  readonly servers: readonly ServerRow[];
}

/** One server in {@linkcode DaemonStatus}. */
export interface ServerRow {
  readonly name: string;
  readonly connected: boolean;
  readonly pid: number | null;
  /** Seconds since the current connection opened. */
  readonly uptimeSeconds: number | null;
  readonly calls: number;
  readonly connects: number;
  readonly rssKiB: number | null;
  readonly serialize: boolean;
}

/** The files of one daemon, all inside its private (0700) directory. */
export interface DaemonPaths {
  /** The per-config directory (0700). */
  readonly dir: string;
  /** The Unix socket (0600). */
  readonly socket: string;
  /** `{pid, config, started}` as JSON. */
  readonly pidFile: string;
  /** `TMPDIR` of the daemon and its children: swept with the directory. */
  readonly tmp: string;
  /** Where a detached daemon's own stderr goes. */
  readonly log: string;
}

/**
 * The base directory of every daemon of this user: `$MCPX_DAEMON_DIR`, else
 * `$XDG_RUNTIME_DIR/mcpx`, else `/tmp/mcpx-<uid>` (checked to be ours and 0700 before use).
 */
export function daemonBase(env: Readonly<Record<string, string>>): string {
  if (env.MCPX_DAEMON_DIR) return resolve(Deno.cwd(), env.MCPX_DAEMON_DIR);
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) return join(runtime, "mcpx");
  return `/tmp/mcpx-${Deno.uid() ?? "user"}`;
}

/**
 * The config file a command would use, by the same search order as `lib/config/load.ts`
 * (`--config`, `$MCPX_CONFIG`, `./mcp_config.json`, the user config dir), as a real path;
 * `null` when none exists. Kept import-free on purpose; a unit test checks it agrees with
 * `configCandidates`.
 */
export function findConfigFile(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): string | null {
  const candidates: string[] = [];
  const explicit = configOption(argv);
  if (explicit !== undefined) candidates.push(resolve(cwd, explicit));
  else if (env.MCPX_CONFIG) candidates.push(resolve(cwd, env.MCPX_CONFIG));
  else {
    candidates.push(join(cwd, "mcp_config.json"));
    const xdg = env.XDG_CONFIG_HOME;
    const user = xdg && isAbsolute(xdg) ? xdg : env.HOME ? join(env.HOME, ".config") : undefined;
    if (user !== undefined) candidates.push(join(user, "mcpx", "mcp_config.json"));
  }
  for (const path of candidates) {
    try {
      return Deno.realPathSync(path);
    } catch {
      // Not there: the next candidate.
    }
  }
  return null;
}

/** The value of `--config` in `argv` (before a `--`), if any. */
export function configOption(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return undefined;
    if (word === "--config") return argv[i + 1];
    if (word.startsWith("--config=")) return word.slice("--config=".length);
  }
  return undefined;
}

/** FNV-1a (64 bit) of `text` in hex: a short, synchronous, import-free key for a path. */
function pathKey(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}

/** The paths of the daemon serving `config` (a real path, or `null` for "no config file"). */
export function daemonPaths(
  config: string | null,
  env: Readonly<Record<string, string>>,
): DaemonPaths {
  const dir = join(daemonBase(env), pathKey(config ?? "<none>"));
  return {
    dir,
    socket: join(dir, "sock"),
    pidFile: join(dir, "pid"),
    tmp: join(dir, "tmp"),
    log: join(dir, "log"),
  };
}

const encoder = new TextEncoder();

/** Encodes one frame (a JSON line). */
export function encodeFrame(frame: ClientFrame | DaemonFrame): Uint8Array {
  return encoder.encode(`${JSON.stringify(frame)}\n`);
}

/** Reads JSON-line frames from `stream` until it ends. */
export async function* readFrames<T>(stream: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line !== "") yield JSON.parse(line) as T;
    }
  }
}

/** Writes all of `bytes` to `conn`. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}
