/**
 * What the host does with one valid request: check its parameters and the server allowlist,
 * then forward it to the `ToolCaller` under a timeout and an abort signal.
 *
 * @module
 */
import type { ToolCaller } from "../client/types.ts";
import { BridgeError, type ErrorCode } from "../errors.ts";
import {
  type BridgeMethod,
  isObject,
  MAX_NAME_LENGTH,
  MAX_URI_LENGTH,
  quote,
} from "./_protocol.ts";

/** A request whose parameters were checked. */
export type BridgeRequest =
  | {
    readonly method: "callTool";
    readonly server: string;
    readonly tool: string;
    readonly args: Record<string, unknown>;
    readonly timeoutMs: number | undefined;
    readonly progress: boolean;
  }
  | { readonly method: "listTools"; readonly server: string }
  | { readonly method: "listResources"; readonly server: string }
  | { readonly method: "readResource"; readonly server: string; readonly uri: string }
  | { readonly method: "listServers" };

/** The servers a run may reach: a set of names, or `"*"` for every configured server. */
export type Allowlist = ReadonlySet<string> | "*";

function invalid(message: string): BridgeError {
  return new BridgeError("INVALID_ARGUMENTS", message);
}

function name(params: Record<string, unknown>, field: "server" | "tool", method: string): string {
  const value = params[field];
  if (typeof value !== "string" || value === "" || value.length > MAX_NAME_LENGTH) {
    throw invalid(
      `${method} needs params.${field}, the ${field}'s name: a string of 1 to ` +
        `${MAX_NAME_LENGTH} characters (got ${quote(value, 40)}).`,
    );
  }
  return value;
}

/** Checks `params` for `method`; throws `INVALID_ARGUMENTS` saying which field is wrong. */
export function parseRequest(method: BridgeMethod, params: unknown): BridgeRequest {
  if (params !== undefined && !isObject(params)) {
    throw invalid(`${method} takes its params as a JSON object, not ${quote(params)}.`);
  }
  const p = params ?? {};
  if (method === "listServers") return { method };
  const server = name(p, "server", method);
  if (method === "listTools" || method === "listResources") return { method, server };
  if (method === "readResource") {
    const uri = p.uri;
    if (typeof uri !== "string" || uri === "" || uri.length > MAX_URI_LENGTH) {
      throw invalid(
        `readResource needs params.uri, the resource's URI: a string of 1 to ${MAX_URI_LENGTH} ` +
          `characters (got ${quote(uri, 40)}).`,
      );
    }
    return { method, server, uri };
  }
  const tool = name(p, "tool", method);
  if (p.arguments !== undefined && !isObject(p.arguments)) {
    throw invalid(
      `callTool params.arguments must be a JSON object of the tool's arguments (got ${
        Array.isArray(p.arguments) ? "an array" : typeof p.arguments
      }).`,
    );
  }
  const timeoutMs = p.timeoutMs;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
  ) {
    throw invalid("callTool params.timeoutMs must be a positive number of milliseconds.");
  }
  return {
    method,
    server,
    tool,
    args: p.arguments ?? {},
    timeoutMs,
    progress: p.progress === true,
  };
}

/** Throws `SERVER_NOT_ALLOWED` unless `server` is on the allowlist. */
export function checkAllowed(server: string, allowed: Allowlist): void {
  if (allowed === "*" || allowed.has(server)) return;
  const names = [...allowed];
  throw new BridgeError(
    "SERVER_NOT_ALLOWED",
    `Server "${server}" is not allowed for this run (allowed: ${
      names.length > 0 ? names.join(", ") : "none"
    }). Add "${server}" to the skill's servers, or pass --servers ${server}.`,
    { data: { server, allowedServers: names } },
  );
}

/** Options of {@linkcode runRequest}. */
export interface RunRequestOptions {
  /** The servers the run may reach. */
  readonly allowed: Allowlist;
  /** The host's own cap on one call, if any. */
  readonly callTimeoutMs: number | undefined;
  /** Aborted when the guest cancels, disconnects, or the host closes. */
  readonly signal: AbortSignal;
  /** Receives the server's progress for a `callTool` that asked for it. */
  readonly onProgress: (progress: { progress: number; total?: number; message?: string }) => void;
}

/** Serves one request; resolves to the `result` of the reply or throws an mcpx error. */
export async function runRequest(
  caller: ToolCaller,
  request: BridgeRequest,
  options: RunRequestOptions,
): Promise<unknown> {
  if (request.method === "listServers") {
    const servers = await caller.listServers();
    const allowed = options.allowed;
    return { servers: allowed === "*" ? servers : servers.filter((s) => allowed.has(s.name)) };
  }
  checkAllowed(request.server, options.allowed);
  if (request.method === "listTools") {
    const listing = caller.listTools(request.server);
    const what = `listTools of ${request.server}`;
    return { tools: await abortable(listing, options.signal, options.callTimeoutMs, what) };
  }
  if (request.method === "listResources") {
    const listing = resourceMethod(caller, "listResources").call(caller, request.server);
    const what = `listResources of ${request.server}`;
    return { resources: await abortable(listing, options.signal, options.callTimeoutMs, what) };
  }
  if (request.method === "readResource") {
    const read = resourceMethod(caller, "readResource").call(caller, request.server, request.uri, {
      signal: options.signal,
      ...(options.callTimeoutMs === undefined ? {} : { timeoutMs: options.callTimeoutMs }),
    });
    const what = `readResource ${request.uri} of ${request.server}`;
    return await abortable(read, options.signal, options.callTimeoutMs, what);
  }
  const limits = [request.timeoutMs, options.callTimeoutMs].filter((n) => n !== undefined);
  const timeoutMs = limits.length > 0 ? Math.min(...limits) : undefined;
  const what = `${request.server}.${request.tool}`;
  const call = caller.callTool(request.server, request.tool, request.args, {
    signal: options.signal,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(request.progress ? { onProgress: options.onProgress } : {}),
  });
  return await abortable(call, options.signal, timeoutMs, what);
}

/** The caller's resource method, or `NOT_SUPPORTED` when this harness's caller has none. */
function resourceMethod<M extends "listResources" | "readResource">(
  caller: ToolCaller,
  method: M,
): NonNullable<ToolCaller[M]> {
  const fn = caller[method];
  if (fn === undefined) {
    throw new BridgeError(
      "NOT_SUPPORTED",
      `This harness cannot serve ${method}: its tool caller has no resource support. Run the ` +
        "skill with mcpx exec, whose harness reads resources.",
    );
  }
  return fn;
}

/** Settles with `work`, or rejects as soon as `signal` aborts (`CANCELLED`) or `timeoutMs`
 * passes (`TIMEOUT`), whichever comes first, so a caller that ignores its signal cannot hold
 * the host. Clears its timer and listener either way. */
function abortable<T>(
  work: Promise<T>,
  signal: AbortSignal,
  timeoutMs?: number,
  what = "the request",
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(
        new BridgeError(
          "CANCELLED",
          `The call to ${what} was cancelled (the skill aborted it, disconnected, or the run ended).`,
        ),
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        done();
        reject(
          new BridgeError(
            "TIMEOUT",
            `The call to ${what} did not finish within ${timeoutMs} ms; pass a larger timeoutMs ` +
              "or --timeout, or check that the server is healthy (mcpx servers).",
            { data: { timeoutMs } },
          ),
        );
      }, timeoutMs);
    }
    work.then((value) => {
      done();
      resolve(value);
    }, (error: unknown) => {
      done();
      reject(error);
    });
  });
}

/** One request the guest made, as kept for the audit trail and `--json` output. */
export interface BridgeCallRecord {
  /** The bridge method (`callTool`, `listTools`, `listServers`, `listResources` …). */
  readonly method: "callTool" | "listTools" | "listServers" | "listResources" | "readResource";
  /** The server, for every method but `listServers`. */
  readonly server?: string;
  /** The tool, for `callTool`. */
  readonly tool?: string;
  /** The resource URI, for `readResource`. */
  readonly uri?: string;
  /** Whether the request succeeded. */
  readonly ok: boolean;
  /** The stable code of the error, when it failed (`SERVER_NOT_ALLOWED`, `TOOL_ERROR` …). */
  readonly code?: ErrorCode;
  /** Milliseconds from receipt of the request to its reply. */
  readonly durationMs: number;
}
