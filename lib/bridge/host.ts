/**
 * The harness side of the bridge: a Unix socket in a private 0700 directory through which a
 * sandboxed skill calls MCP tools. The host enforces the run's server allowlist, caps frames and
 * concurrency, answers every bad frame with an error instead of crashing, and keeps an audit
 * record of each request.
 *
 * @example
 * ```ts
 * import { startBridgeHost } from "./host.ts";
 * import { connectBridge } from "./guest.ts";
 * import type { ToolCaller } from "../client/types.ts";
 *
 * const echo: ToolCaller = {
 *   callTool: (_server, _tool, args) => Promise.resolve({ value: args, content: [] }),
 *   listTools: () => Promise.resolve([]),
 *   listServers: () => Promise.resolve([]),
 * };
 * await using host = await startBridgeHost(echo, { allowedServers: ["everything"] });
 * // The skill runs with --allow-read/--allow-write/--allow-net=unix:${host.socketPath}.
 * await using guest = await connectBridge(host.socketPath);
 * const result = await guest.callTool("everything", "echo", { message: "hi" });
 * console.assert((result.value as { message: string }).message === "hi");
 * console.assert(host.calls[0]?.ok === true);
 * ```
 *
 * @module
 */
import type { ToolCaller } from "../client/types.ts";
import { BridgeError } from "../errors.ts";
import { HostConnection } from "./_host_connection.ts";
import type { Allowlist, BridgeCallRecord } from "./_host_requests.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "./_protocol.ts";
import { Semaphore } from "./_semaphore.ts";

export { DEFAULT_MAX_FRAME_BYTES };

export type { BridgeCallRecord } from "./_host_requests.ts";

/** Options of {@linkcode startBridgeHost}. */
export interface BridgeHostOptions {
  /** The servers the skill may reach; `"*"` allows every configured server. */
  allowedServers: readonly string[] | "*";
  /** Cap on one frame in either direction, in bytes. @default {8388608} (8 MiB) */
  maxFrameBytes?: number;
  /** Requests served at once, over all connections; further requests wait in the socket.
   * @default {128} */
  maxInFlight?: number;
  /** Connections open at once; further ones are closed at once. @default {16} */
  maxConnections?: number;
  /** The host's own limit on one `callTool` or `listTools`; a guest may ask for less, never
   * more. @default the caller's own timeout */
  callTimeoutMs?: number;
  /** Records kept in `calls`; later ones still reach `onCall`. @default {10000} */
  maxRecords?: number;
  /** Receives each record as its reply is sent. */
  onCall?: (record: BridgeCallRecord) => void;
  /** Hand the directory and socket to this user (a container's unprivileged user). */
  owner?: { uid: number; gid: number };
  /** Where the private directory is made. @default the system temp directory */
  tempDir?: string;
  /** Listen in this empty private directory instead of a new one (a sandbox started ahead of
   * its run already has it mounted); it is made 0700 and removed by `close()` all the same. */
  dir?: string;
}

/** A running bridge host. */
export interface BridgeHost extends AsyncDisposable {
  /** Absolute path of the Unix socket. */
  readonly socketPath: string;
  /** The private (0700) directory holding the socket, for a container's bind mount. */
  readonly dir: string;
  /** The requests served so far, in reply order (at most `maxRecords`). */
  readonly calls: readonly BridgeCallRecord[];
  /** Records left out of `calls` because `maxRecords` was reached. */
  readonly droppedRecords: number;
  /** Stops listening, ends connections (cancelling their calls) and removes `dir`. */
  close(): Promise<void>;
}

/** Longest Unix socket path Linux accepts (`sun_path` is 108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * Opens a bridge in front of `caller`. The socket is `<dir>/bridge.sock` in a fresh 0700 temp
 * directory; a guest needs `--allow-read`, `--allow-write` and `--allow-net=unix:` for that path.
 */
export async function startBridgeHost(
  caller: ToolCaller,
  options: BridgeHostOptions,
): Promise<BridgeHost> {
  const maxFrameBytes = positive(options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, "maxFrameBytes");
  const maxInFlight = positive(options.maxInFlight, 128, "maxInFlight");
  const maxConnections = positive(options.maxConnections, 16, "maxConnections");
  const maxRecords = positive(options.maxRecords, 10_000, "maxRecords");
  const allowed: Allowlist = options.allowedServers === "*" ? "*" : new Set(options.allowedServers);

  const dir = options.dir ?? await Deno.makeTempDir({
    prefix: "mcpx-bridge-",
    ...(options.tempDir === undefined ? {} : { dir: options.tempDir }),
  });
  const socketPath = `${dir}/bridge.sock`;
  let listener: Deno.Listener;
  try {
    await Deno.chmod(dir, 0o700);
    if (new TextEncoder().encode(socketPath).length > MAX_SOCKET_PATH) {
      throw new BridgeError(
        "BRIDGE_ERROR",
        `The bridge socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH} bytes Unix ` +
          "sockets allow; set TMPDIR (or tempDir) to a shorter directory such as /tmp.",
      );
    }
    listener = Deno.listen({ transport: "unix", path: socketPath });
    await Deno.chmod(socketPath, 0o600);
    if (options.owner !== undefined) {
      await Deno.chown(dir, options.owner.uid, options.owner.gid);
      await Deno.chown(socketPath, options.owner.uid, options.owner.gid);
    }
  } catch (cause) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (cause instanceof BridgeError) throw cause;
    throw new BridgeError(
      "BRIDGE_ERROR",
      `Cannot open the bridge socket ${socketPath}: ${(cause as Error).message}. ` +
        "Check that the temp directory is writable and on a filesystem that supports sockets.",
      { cause },
    );
  }

  const calls: BridgeCallRecord[] = [];
  let droppedRecords = 0;
  const slots = new Semaphore(maxInFlight);
  const connections = new Set<HostConnection>();
  const served = new Set<Promise<void>>();
  const context = {
    caller,
    allowed,
    maxFrameBytes,
    callTimeoutMs: options.callTimeoutMs,
    slots,
    record(record: BridgeCallRecord) {
      if (calls.length < maxRecords) calls.push(record);
      else droppedRecords++;
      options.onCall?.(record);
    },
  };

  const accepting = (async () => {
    while (true) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return; // the listener was closed
      }
      if (connections.size >= maxConnections) {
        conn.close();
        continue;
      }
      const connection = new HostConnection(conn, context);
      connections.add(connection);
      const serving = connection.serve().finally(() => {
        connections.delete(connection);
        served.delete(serving);
      });
      served.add(serving);
    }
  })();

  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      listener.close();
      await accepting;
      for (const connection of connections) connection.close();
      await Promise.allSettled([...served]);
      await Deno.remove(dir, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    })();

  return {
    socketPath,
    dir,
    calls,
    get droppedRecords() {
      return droppedRecords;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`startBridgeHost: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
