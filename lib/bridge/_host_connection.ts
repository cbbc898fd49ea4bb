/**
 * One guest connection on the host: reads frames, answers each one (never crashing on bad
 * input), runs valid requests concurrently under the host's shared bound, and writes replies in
 * whatever order they finish.
 *
 * Memory stays bounded: the read loop waits for a free slot before it takes the next request,
 * so a flood of requests is held back by the socket itself (backpressure), and a slot is only
 * returned once its reply is written.
 *
 * @module
 */
import type { ToolCaller } from "../client/types.ts";
import type { ErrorCode } from "../errors.ts";
import { type Frame, FrameSplitter, FrameWriter } from "./_frames.ts";
import {
  type Allowlist,
  type BridgeCallRecord,
  type BridgeRequest,
  parseRequest,
  runRequest,
} from "./_host_requests.ts";
import {
  CANCEL_NOTIFICATION,
  encodeFrame,
  errorToWire,
  idFromHead,
  isObject,
  isRpcId,
  MAX_NAME_LENGTH,
  METHODS,
  PROGRESS_NOTIFICATION,
  quote,
  RPC_CODES,
  rpcError,
  type RpcErrorObject,
  type RpcId,
} from "./_protocol.ts";
import type { Semaphore } from "./_semaphore.ts";

/** What a connection shares with its host. */
export interface ConnectionContext {
  /** Where requests go. */
  readonly caller: ToolCaller;
  /** The servers the run may reach. */
  readonly allowed: Allowlist;
  /** Cap on one frame, both directions. */
  readonly maxFrameBytes: number;
  /** The host's own cap on one call. */
  readonly callTimeoutMs: number | undefined;
  /** Requests served at once, shared by every connection of the host. */
  readonly slots: Semaphore;
  /** Keeps one audit record. */
  readonly record: (record: BridgeCallRecord) => void;
}

const READ_CHUNK_BYTES = 64 * 1024;
/** Progress notifications are dropped while this much output is waiting to be written. */
const PROGRESS_BACKLOG_BYTES = 1024 * 1024;

/** Serves one connection until the guest hangs up or `close()` is called. */
export class HostConnection {
  readonly #conn: Deno.Conn;
  readonly #ctx: ConnectionContext;
  readonly #inFlight = new Map<RpcId, AbortController>();
  readonly #handlers = new Set<Promise<void>>();
  readonly #writer: FrameWriter;
  #backlogBytes = 0;
  #closed = false;

  /** Wraps an accepted connection. */
  constructor(conn: Deno.Conn, ctx: ConnectionContext) {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#writer = new FrameWriter(conn);
  }

  /** Reads and answers frames until the guest hangs up; then cancels the calls still running. */
  async serve(): Promise<void> {
    const splitter = new FrameSplitter(this.#ctx.maxFrameBytes);
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    try {
      while (!this.#closed) {
        let n: number | null;
        try {
          n = await this.#conn.read(buffer);
        } catch {
          break; // closed by us, or reset by the guest
        }
        if (n === null) break;
        for (const frame of splitter.push(buffer.subarray(0, n))) {
          await this.#onFrame(frame);
          if (this.#closed) break;
        }
      }
    } finally {
      // A connection's end cancels its calls: nobody is left to read their replies.
      for (const controller of this.#inFlight.values()) controller.abort();
      await Promise.allSettled([...this.#handlers]);
      this.close();
    }
  }

  /** Closes the connection; pending reads and writes fail and `serve()` winds down. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const controller of this.#inFlight.values()) controller.abort();
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  async #onFrame(frame: Frame): Promise<void> {
    const max = this.#ctx.maxFrameBytes;
    if (frame.kind === "too-large") {
      return await this.#replyError(
        idFromHead(frame.head),
        rpcError(
          RPC_CODES.invalidRequest,
          "FRAME_TOO_LARGE",
          `A request frame is larger than the bridge's cap of ${max} bytes and was dropped. ` +
            "Pass large data through a file in the workspace instead of as tool arguments.",
          { maxFrameBytes: max },
        ),
      );
    }
    if (frame.kind === "invalid-utf8") {
      return await this.#replyError(null, malformed(RPC_CODES.parseError, "is not valid UTF-8"));
    }
    let message: unknown;
    try {
      message = JSON.parse(frame.text);
    } catch {
      return await this.#replyError(null, malformed(RPC_CODES.parseError, "is not JSON"));
    }
    if (!isObject(message)) {
      const what = Array.isArray(message)
        ? "is a batch (an array); batches are not supported, send one request per line"
        : "is not a JSON-RPC request object";
      return await this.#replyError(null, malformed(RPC_CODES.invalidRequest, what));
    }
    const id = isRpcId(message.id) ? message.id : null;
    if (message.jsonrpc !== "2.0" || typeof message.method !== "string") {
      const what = message.jsonrpc !== "2.0" ? 'lacks "jsonrpc": "2.0"' : 'lacks a "method" string';
      return await this.#replyError(id, malformed(RPC_CODES.invalidRequest, what));
    }
    if (!("id" in message)) return this.#onNotification(message.method, message.params);
    if (id === null) {
      return await this.#replyError(
        null,
        malformed(
          RPC_CODES.invalidRequest,
          `has an id that is not an integer or a string of at most ${MAX_NAME_LENGTH} characters`,
        ),
      );
    }
    if (this.#inFlight.has(id)) {
      return await this.#replyError(
        id,
        malformed(RPC_CODES.invalidRequest, `reuses id ${quote(id)} of a call in flight`),
      );
    }
    const method = METHODS.find((m) => m === message.method);
    if (method === undefined) {
      return await this.#replyError(
        id,
        rpcError(
          RPC_CODES.methodNotFound,
          "BRIDGE_ERROR",
          `Unknown bridge method ${quote(message.method)}; the bridge serves ${
            METHODS.join(", ")
          }.`,
        ),
      );
    }
    let request: BridgeRequest;
    try {
      request = parseRequest(method, message.params);
    } catch (error) {
      const wire = errorToWire(error, method);
      return await this.#replyError(id, { ...wire, code: RPC_CODES.invalidParams });
    }
    await this.#ctx.slots.acquire();
    if (this.#closed) return this.#ctx.slots.release();
    const handler = this.#run(id, request).finally(() => {
      this.#handlers.delete(handler);
      this.#ctx.slots.release();
    });
    this.#handlers.add(handler);
  }

  #onNotification(method: string, params: unknown): void {
    // Notifications get no reply, not even an error (JSON-RPC 2.0); unknown ones are ignored.
    if (method !== CANCEL_NOTIFICATION || !isObject(params) || !isRpcId(params.id)) return;
    this.#inFlight.get(params.id)?.abort();
  }

  async #run(id: RpcId, request: BridgeRequest): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.set(id, controller);
    const started = performance.now();
    const server = request.method === "listServers" ? undefined : request.server;
    const tool = request.method === "callTool" ? request.tool : undefined;
    const uri = request.method === "readResource" ? request.uri : undefined;
    const what = tool !== undefined ? `${server}.${tool}` : `${request.method}`;
    let reply: Uint8Array;
    let code: ErrorCode | undefined;
    try {
      const result = await runRequest(this.#ctx.caller, request, {
        allowed: this.#ctx.allowed,
        callTimeoutMs: this.#ctx.callTimeoutMs,
        signal: controller.signal,
        onProgress: (progress) => this.#progress(id, progress),
      });
      ({ reply, code } = this.#resultFrame(id, result, what));
    } catch (error) {
      // A timed-out call is still running in the caller: abort it there too. (Not done on
      // success: an abort builds a DOMException, which is costly on every call.)
      controller.abort();
      const wire = errorToWire(error, what);
      code = wire.data.code;
      reply = encodeFrame({ jsonrpc: "2.0", id, error: wire });
    } finally {
      this.#inFlight.delete(id);
    }
    this.#ctx.record({
      method: request.method,
      ...(server === undefined ? {} : { server }),
      ...(tool === undefined ? {} : { tool }),
      ...(uri === undefined ? {} : { uri }),
      ok: code === undefined,
      ...(code === undefined ? {} : { code }),
      durationMs: performance.now() - started,
    });
    await this.#write(reply);
  }

  #resultFrame(
    id: RpcId,
    result: unknown,
    what: string,
  ): { reply: Uint8Array; code: ErrorCode | undefined } {
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ jsonrpc: "2.0", id, result });
    } catch (cause) {
      const error = errorToWire(cause, what);
      return { reply: encodeFrame({ jsonrpc: "2.0", id, error }), code: error.data.code };
    }
    const max = this.#ctx.maxFrameBytes;
    if (frame.length - 1 <= max) return { reply: frame, code: undefined };
    const error = rpcError(
      RPC_CODES.applicationError,
      "FRAME_TOO_LARGE",
      `The result of ${what} is ${frame.length - 1} bytes, over the bridge's cap of ${max} ` +
        "bytes. Ask the tool for less (a smaller range or page), or raise the cap.",
      { maxFrameBytes: max, resultBytes: frame.length - 1 },
    );
    return { reply: encodeFrame({ jsonrpc: "2.0", id, error }), code: "FRAME_TOO_LARGE" };
  }

  #progress(id: RpcId, progress: { progress: number; total?: number; message?: string }): void {
    if (this.#closed || this.#backlogBytes > PROGRESS_BACKLOG_BYTES) return;
    void this.#write(
      encodeFrame({ jsonrpc: "2.0", method: PROGRESS_NOTIFICATION, params: { id, ...progress } }),
    );
  }

  async #replyError(id: RpcId | null, error: RpcErrorObject): Promise<void> {
    // Error replies hold a slot until written, like results, so a guest that floods bad frames
    // and never reads cannot make the host queue replies without bound.
    await this.#ctx.slots.acquire();
    try {
      await this.#write(encodeFrame({ jsonrpc: "2.0", id, error }));
    } finally {
      this.#ctx.slots.release();
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return;
    this.#backlogBytes += bytes.length;
    try {
      await this.#writer.write(bytes);
    } catch {
      this.close(); // the guest is gone; its calls are cancelled
    } finally {
      this.#backlogBytes -= bytes.length;
    }
  }
}

function malformed(rpcCode: number, what: string): RpcErrorObject {
  return rpcError(
    rpcCode,
    "MALFORMED_FRAME",
    `A frame ${what}. The bridge takes one JSON-RPC 2.0 request per line: ` +
      '{"jsonrpc":"2.0","id":1,"method":"callTool","params":{"server":…,"tool":…,"arguments":{…}}}.',
  );
}
