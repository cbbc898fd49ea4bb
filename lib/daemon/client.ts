/**
 * The thin client: what `cli.ts` runs before it loads any command. When a daemon serves this
 * command's config, the command is sent there and its output and exit status are passed
 * through; otherwise (no daemon, `--no-daemon`, `MCPX_DAEMON=0`, a command that is not
 * forwarded) the caller runs the command itself. Imports only `protocol.ts` (and, for
 * `daemon.autostart`, `lifecycle.ts`): no zod, no MCP SDK.
 *
 * @module
 */
import {
  type ClientFrame,
  type DaemonFrame,
  daemonPaths,
  encodeFrame,
  findConfigFile,
  FORWARDED,
  readFrames,
  READS_STDIN,
  writeAll,
} from "./protocol.ts";

/** Where the forwarded command writes. */
export interface ClientIo {
  out(text: string): void;
  err(text: string): void;
}

/** Global flags without a value that may stand before the command name (as in `cli.ts`). */
const GLOBAL_FLAGS = new Set(["--verbose", "-v", "--json"]);

/**
 * The command word of `argv` (global options before it skipped), read without the command kit;
 * `undefined` when there is none or an option before it only `cli.ts` can judge.
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (GLOBAL_FLAGS.has(word) || word === "--no-daemon" || word.startsWith("--config=")) continue;
    if (word === "--config") i++;
    else if (word.startsWith("-")) return undefined;
    else return word;
  }
  return undefined;
}

/**
 * The forwarded command `argv` names (global options before it skipped), or `undefined` when the
 * line runs in this process: `--no-daemon` anywhere on it (a global option), `--help`, a command
 * that is not forwarded, or an option before the command that only `cli.ts` can judge.
 */
export function forwardedCommand(argv: readonly string[]): string | undefined {
  if (argv.some((word) => word === "--no-daemon" || word === "--help" || word === "-h")) {
    return undefined;
  }
  const word = commandWord(argv);
  // `serve --http` listens on a port of its own: it runs in the calling process.
  if (word === "serve" && argv.some((arg) => arg === "--http" || arg.startsWith("--http="))) {
    return undefined;
  }
  return word !== undefined && FORWARDED.has(word) ? word : undefined;
}

/**
 * `text` as plain JSON: comments and trailing commas (JSONC, which the config loader accepts)
 * removed, strings left alone. Import-free on purpose (the thin client loads no parser).
 */
export function plainJson(text: string): string {
  return scanJson(
    scanJson(text, (rest) => {
      // A comment is dropped (a line comment keeps its line end).
      if (rest.startsWith("//")) {
        const end = rest.indexOf("\n");
        return [end === -1 ? rest.length : end, ""];
      }
      if (rest.startsWith("/*")) {
        const end = rest.indexOf("*/", 2);
        return [end === -1 ? rest.length : end + 2, " "];
      }
      return undefined;
    }),
    (rest) => /^,\s*[}\]]/.test(rest) ? [1, ""] : undefined,
  );
}

/** Copies `text`, strings verbatim; elsewhere `edit` may replace what starts at a position
 * (`[length consumed, replacement]`). */
function scanJson(
  text: string,
  edit: (rest: string) => [number, string] | undefined,
): string {
  let out = "";
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length;) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const change = text[i] === "/" || text[i] === "," ? edit(text.slice(i)) : undefined;
    if (change === undefined) out += text[i++];
    else {
      out += change[1];
      i += change[0];
    }
  }
  return out;
}

/** The config file's text, or `""` when there is none or it cannot be read. */
function configText(configPath: string | null): string {
  if (configPath === null) return "";
  try {
    return Deno.readTextFileSync(configPath);
  } catch {
    return "";
  }
}

/** Whether the config asks for `daemon.autostart` (read loosely; the daemon validates). */
function wantsAutostart(text: string): boolean {
  try {
    return JSON.parse(plainJson(text))?.daemon?.autostart === true;
  } catch {
    return false;
  }
}

/**
 * Whether the command may have to ask the user to approve a tool call: the config holds an
 * `"approve"` rule (read loosely, erring towards yes) and this process has a terminal to ask on.
 * Such a command runs here: the daemon never asks on a terminal (its own is not the user's).
 */
export function mayAskApproval(text: string, hasTerminal: () => boolean): boolean {
  return /"approve"/.test(text) && hasTerminal();
}

function hasTerminal(): boolean {
  if (Deno.stdin.isTerminal()) return true;
  try {
    Deno.openSync("/dev/tty", { read: true, write: true }).close();
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is ours and closed to others (an attacker's socket must never get argv and
 * environment). */
function ours(path: string, mask: number): boolean {
  try {
    const info = Deno.lstatSync(path);
    const uid = Deno.uid();
    return (uid === null || info.uid === uid) && ((info.mode ?? 0) & mask) === 0;
  } catch {
    return false;
  }
}

async function connect(socket: string): Promise<Deno.UnixConn | undefined> {
  // The socket's directory and the socket itself must be the user's own and private.
  const dir = socket.slice(0, socket.lastIndexOf("/"));
  if (!ours(dir, 0o077) || !ours(socket, 0o077)) return undefined;
  try {
    return await Deno.connect({ transport: "unix", path: socket });
  } catch {
    return undefined;
  }
}

/**
 * Runs `argv` in the daemon that serves its config, if one answers (starting it first when the
 * config says `daemon.autostart`). Resolves to the exit status, or `undefined` when the caller
 * must run the command itself.
 */
export async function forward(
  argv: readonly string[],
  context: { cwd: string; env: Record<string, string>; io: ClientIo },
): Promise<number | undefined> {
  const { cwd, env, io } = context;
  if (env.MCPX_DAEMON === "0" || forwardedCommand(argv) === undefined) return undefined;
  const configPath = findConfigFile(argv, cwd, env);
  const text = configText(configPath);
  if (mayAskApproval(text, hasTerminal)) return undefined;
  const paths = daemonPaths(configPath, env);
  let conn = await connect(paths.socket);
  if (conn === undefined && wantsAutostart(text)) {
    const { startDetached } = await import("./lifecycle.ts");
    try {
      await startDetached(configPath, paths, { env });
    } catch (error) {
      io.err(`warning: daemon.autostart: ${(error as Error).message}; running without it\n`);
      return undefined;
    }
    conn = await connect(paths.socket);
  }
  if (conn === undefined) return undefined;
  const tty = Deno.stderr.isTerminal();
  const stdin = READS_STDIN.has(forwardedCommand(argv)!) ? Deno.stdin.readable : undefined;
  return await runRemote(conn, { t: "run", argv: [...argv], cwd, env, tty }, {
    io,
    ...(stdin === undefined ? {} : { stdin }),
  });
}

/** Sends `stdin` to the daemon as `in` frames, then `eof`; stops quietly when the connection
 * goes away first. */
async function passStdin(conn: Deno.Conn, stdin: ReadableStream<Uint8Array>): Promise<void> {
  const decoder = new TextDecoder();
  try {
    for await (const chunk of stdin) {
      const d = decoder.decode(chunk, { stream: true });
      if (d !== "") await writeAll(conn, encodeFrame({ t: "in", d }));
    }
    const rest = decoder.decode();
    if (rest !== "") await writeAll(conn, encodeFrame({ t: "in", d: rest }));
    await writeAll(conn, encodeFrame({ t: "eof" }));
  } catch {
    // The daemon closed the connection: the command has ended.
  }
}

/** Sends `frame` on `conn` and passes the reply through `io`; resolves to the exit status. */
export async function runRemote(
  conn: Deno.Conn,
  frame: ClientFrame,
  options: {
    /** Receives the command's output frames. */
    io: ClientIo;
    /** Receives the reply to a `status` frame. */
    onStatus?: (status: Extract<DaemonFrame, { t: "status" }>["status"]) => void;
    /** Passed on to the command as `in` frames, then `eof` (a forwarded `serve`). */
    stdin?: ReadableStream<Uint8Array>;
  },
): Promise<number> {
  const { io, onStatus } = options;
  const cancel = () => {
    writeAll(conn, encodeFrame({ t: "cancel" })).catch(() => {});
  };
  Deno.addSignalListener("SIGINT", cancel);
  Deno.addSignalListener("SIGTERM", cancel);
  try {
    try {
      await writeAll(conn, encodeFrame(frame));
      if (options.stdin !== undefined) void passStdin(conn, options.stdin);
      for await (const reply of readFrames<DaemonFrame>(conn.readable)) {
        if (reply.t === "out") io.out(reply.d);
        else if (reply.t === "err") io.err(reply.d);
        else if (reply.t === "exit") return reply.code;
        else if (reply.t === "status") {
          onStatus?.(reply.status);
          return 0;
        } else {
          io.err(`error: mcpx daemon: ${reply.message}\n`);
          return 1;
        }
      }
    } catch (error) {
      // A daemon that dies mid-command resets the connection: the same as closing it.
      if (
        !(error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe)
      ) {
        throw error;
      }
    }
    io.err(
      `error: the mcpx daemon closed the connection before the command ended (it was stopped ` +
        `or died); run the command again, or with --no-daemon.\n`,
    );
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", cancel);
    Deno.removeSignalListener("SIGTERM", cancel);
    try {
      conn.close();
    } catch {
      // Closed by the daemon.
    }
  }
}
