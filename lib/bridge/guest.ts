/**
 * The sandbox side of the bridge: a {@linkcode ToolCaller} that sends each call over the run's
 * Unix socket to the harness. Many calls may be in flight at once; replies are matched by id.
 * Errors come back as the same classes the harness raised: `ToolError` for `TOOL_ERROR`, a
 * `BridgeError` carrying the stable code otherwise.
 *
 * Imports nothing but `lib/errors.ts`, `lib/client/types.ts` and this folder's `_*.ts` helpers,
 * so it loads inside a sandbox that may only touch the socket:
 * `deno run --no-prompt --allow-read=S --allow-write=S --allow-net=unix:S`.
 *
 * Lifetime: while no call is in flight the connection does not keep the process alive, so a
 * finished skill exits even if nobody calls `close()`. The harness bootstrap still closes it.
 *
 * @example
 * ```ts ignore
 * import { installBridge } from "./guest.ts";
 * const guest = await installBridge(Deno.args[0]!);
 * const sum = await guest.callTool("everything", "get-sum", { a: 1, b: 2 });
 * await guest.close();
 * ```
 *
 * @module
 */
import {
  type CallToolOptions,
  type ServerInfo,
  TOOL_CALLER_KEY,
  type ToolCaller,
  type ToolInfo,
  type ToolResult,
} from "../client/types.ts";
import type {
  ReadResourceResult,
  RequestOptions,
  ResourceContents,
  ResourceInfo,
  ResourceReader,
} from "../client/resource_types.ts";
import { BridgeError, type McpxError } from "../errors.ts";
import { FrameSplitter, FrameWriter } from "./_frames.ts";
import { cancelled, listOf, toolResult } from "./_guest_replies.ts";
import {
  CANCEL_NOTIFICATION,
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  errorFromWire,
  idFromHead,
  isObject,
  PROGRESS_NOTIFICATION,
} from "./_protocol.ts";

/** Options of {@linkcode connectBridge}. */
export interface BridgeGuestOptions {
  /** Cap on one frame in either direction, in bytes; match the host's. @default {8388608} */
  maxFrameBytes?: number;
}

/** A connected guest: a `ToolCaller` over the bridge, plus `close()`. */
export interface BridgeGuest
  extends Omit<ToolCaller, keyof ResourceReader>, ResourceReader, AsyncDisposable {
  /** Whether the connection is closed (by `close()` or by the harness). */
  readonly closed: boolean;
  /** Closes the connection; calls still in flight reject with `BRIDGE_ERROR`. */
  close(): Promise<void>;
}

interface Pending {
  readonly what: string;
  readonly server: string | undefined;
  readonly tool: string | undefined;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: McpxError) => void;
  readonly onProgress: CallToolOptions["onProgress"];
}

const READ_CHUNK_BYTES = 64 * 1024;

/** Connects to the bridge socket at `socketPath`. */
export async function connectBridge(
  socketPath: string,
  options: BridgeGuestOptions = {},
): Promise<BridgeGuest> {
  let conn: Deno.UnixConn;
  try {
    conn = await Deno.connect({ transport: "unix", path: socketPath });
  } catch (cause) {
    throw new BridgeError(
      "BRIDGE_ERROR",
      `Cannot connect to the bridge at ${socketPath}: ${(cause as Error).message}. ` +
        "Run the skill with mcpx exec, which opens the bridge and grants access to its socket.",
      { cause },
    );
  }
  return new Guest(conn, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
}

/** Connects to the bridge and installs the guest at `globalThis[TOOL_CALLER_KEY]`, where the
 * generated wrappers and `getToolCaller()` find it. `close()` uninstalls it again. */
export async function installBridge(
  socketPath: string,
  options: BridgeGuestOptions = {},
): Promise<BridgeGuest> {
  const guest = await connectBridge(socketPath, options);
  const slot = globalThis as unknown as Record<symbol, ToolCaller | undefined>;
  slot[TOOL_CALLER_KEY] = guest;
  const close = guest.close.bind(guest);
  return Object.assign(guest, {
    async close() {
      if (slot[TOOL_CALLER_KEY] === guest) delete slot[TOOL_CALLER_KEY];
      await close();
    },
  });
}

class Guest implements BridgeGuest {
  readonly #conn: Deno.UnixConn;
  readonly #maxFrameBytes: number;
  readonly #pending = new Map<number, Pending>();
  readonly #reading: Promise<void>;
  #nextId = 1;
  readonly #writer: FrameWriter;
  #closedBecause: string | undefined;

  constructor(conn: Deno.UnixConn, maxFrameBytes: number) {
    this.#conn = conn;
    this.#maxFrameBytes = maxFrameBytes;
    this.#writer = new FrameWriter(conn);
    this.#conn.unref();
    this.#reading = this.#read();
  }

  get closed(): boolean {
    return this.#closedBecause !== undefined;
  }

  async callTool(
    server: string,
    tool: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<ToolResult> {
    const params: Record<string, unknown> = { server, tool, arguments: args };
    if (options.timeoutMs !== undefined) params.timeoutMs = options.timeoutMs;
    if (options.onProgress !== undefined) params.progress = true;
    const result = await this.#request("callTool", params, { server, tool }, options);
    return toolResult(result, `${server}.${tool}`);
  }

  async listTools(server: string): Promise<readonly ToolInfo[]> {
    const result = await this.#request("listTools", { server }, { server }, {});
    return listOf<ToolInfo>(result, "tools");
  }

  async listServers(): Promise<readonly ServerInfo[]> {
    return listOf<ServerInfo>(await this.#request("listServers", {}, {}, {}), "servers");
  }

  async listResources(server: string): Promise<readonly ResourceInfo[]> {
    const result = await this.#request("listResources", { server }, { server }, {});
    return listOf<ResourceInfo>(result, "resources");
  }

  async readResource(
    server: string,
    uri: string,
    options: RequestOptions = {},
  ): Promise<ReadResourceResult> {
    const result = await this.#request("readResource", { server, uri }, { server }, options);
    return { ...result as object, contents: listOf<ResourceContents>(result, "contents") };
  }

  async close(): Promise<void> {
    this.#shut("the bridge guest was closed (the skill is done)");
    await this.#reading;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #request(
    method: string,
    params: Record<string, unknown>,
    target: { server?: string; tool?: string },
    options: CallToolOptions,
  ): Promise<unknown> {
    const what = target.tool !== undefined ? `${target.server}.${target.tool}` : method;
    if (this.#closedBecause !== undefined) {
      return Promise.reject(
        new BridgeError(
          "BRIDGE_ERROR",
          `Cannot call ${what}: ${this.#closedBecause}. Tool calls must finish before the skill ` +
            "returns; await every call.",
        ),
      );
    }
    const id = this.#nextId++;
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ jsonrpc: "2.0", id, method, params });
    } catch (cause) {
      return Promise.reject(
        new BridgeError(
          "INVALID_ARGUMENTS",
          `The arguments of ${what} cannot be sent as JSON (${(cause as Error).message}); pass ` +
            "plain objects, arrays, strings, numbers, booleans and null only.",
          { cause },
        ),
      );
    }
    if (frame.length - 1 > this.#maxFrameBytes) {
      return Promise.reject(
        new BridgeError(
          "FRAME_TOO_LARGE",
          `The request for ${what} is ${frame.length - 1} bytes, over the bridge's cap of ` +
            `${this.#maxFrameBytes} bytes. Write large data to a file in the workspace and ` +
            "pass its path instead.",
          { data: { maxFrameBytes: this.#maxFrameBytes, requestBytes: frame.length - 1 } },
        ),
      );
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(cancelled(what, signal.reason));
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.delete(id)) return;
        this.#idle();
        void this.#write(
          encodeFrame({ jsonrpc: "2.0", method: CANCEL_NOTIFICATION, params: { id } }),
        ).catch(() => {});
        reject(cancelled(what, signal?.reason));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener("abort", onAbort);
        fn(value);
      };
      this.#pending.set(id, {
        what,
        server: target.server,
        tool: target.tool,
        resolve: settle(resolve),
        reject: settle(reject),
        onProgress: options.onProgress,
      });
      this.#conn.ref(); // a call in flight keeps the process alive until its reply
      this.#write(frame).catch((cause) => {
        this.#settle(
          id,
          undefined,
          new BridgeError(
            "BRIDGE_ERROR",
            `Cannot send ${what} to the harness: ${(cause as Error).message}. The harness has ` +
              "probably stopped; rerun the skill.",
            { cause },
          ),
        );
      });
    });
  }

  #write(bytes: Uint8Array): Promise<void> {
    return this.#writer.write(bytes);
  }

  async #read(): Promise<void> {
    const splitter = new FrameSplitter(this.#maxFrameBytes);
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    while (this.#closedBecause === undefined) {
      let n: number | null;
      try {
        n = await this.#conn.read(buffer);
      } catch {
        n = null;
      }
      if (n === null) break;
      for (const frame of splitter.push(buffer.subarray(0, n))) {
        if (frame.kind === "frame") this.#onMessage(frame.text);
        else if (frame.kind === "too-large") {
          const id = idFromHead(frame.head);
          if (typeof id === "number") {
            this.#settle(
              id,
              undefined,
              new BridgeError(
                "FRAME_TOO_LARGE",
                `The reply for ${this.#pending.get(id)?.what} is over this guest's cap of ` +
                  `${this.#maxFrameBytes} bytes. Ask the tool for less, or raise maxFrameBytes.`,
              ),
            );
          }
        }
      }
    }
    this.#shut(
      "the bridge to the harness closed (the run was stopped: timeout, signal, or the harness " +
        "failed)",
    );
  }

  #onMessage(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return; // the host only sends JSON; ignore anything else rather than fail a call
    }
    if (!isObject(message)) return;
    if (message.method === PROGRESS_NOTIFICATION && isObject(message.params)) {
      const { id, progress, total, message: note } = message.params;
      const pending = typeof id === "number" ? this.#pending.get(id) : undefined;
      if (pending?.onProgress === undefined || typeof progress !== "number") return;
      pending.onProgress({
        progress,
        ...(typeof total === "number" ? { total } : {}),
        ...(typeof note === "string" ? { message: note } : {}),
      });
      return;
    }
    if (typeof message.id !== "number") return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    if ("error" in message) {
      this.#settle(message.id, undefined, errorFromWire(message.error, pending));
    } else this.#settle(message.id, message.result, undefined);
  }

  #settle(id: number, result: unknown, error: McpxError | undefined): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    this.#idle();
    if (error === undefined) pending.resolve(result);
    else pending.reject(error);
  }

  #idle(): void {
    if (this.#pending.size === 0 && this.#closedBecause === undefined) this.#conn.unref();
  }

  #shut(reason: string): void {
    if (this.#closedBecause !== undefined) return;
    this.#closedBecause = reason;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    for (const pending of this.#pending.values()) {
      pending.reject(
        new BridgeError(
          "BRIDGE_ERROR",
          `The call to ${pending.what} failed: ${reason}. Rerun the skill; if this keeps ` +
            "happening, run mcpx with --verbose.",
        ),
      );
    }
    this.#pending.clear();
  }
}
