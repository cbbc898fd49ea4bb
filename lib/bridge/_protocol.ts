/**
 * The bridge's wire protocol, shared by the host and the guest: newline-delimited JSON-RPC 2.0
 * frames, the method names, and how an mcpx error travels as a JSON-RPC error object. Imports
 * nothing but `lib/errors.ts`, so the guest stays free of npm dependencies.
 *
 * @module
 */
import { BridgeError, type ErrorCode, McpxError, ToolError } from "../errors.ts";

/** Default cap on one frame, in bytes (without the newline), in both directions. */
export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** The methods a guest may call. */
export const METHODS = [
  "callTool",
  "listTools",
  "listServers",
  "listResources",
  "readResource",
] as const;
/** One of {@linkcode METHODS}. */
export type BridgeMethod = typeof METHODS[number];

/** Notification guest -> host: stop the call with this id (its signal was aborted). */
export const CANCEL_NOTIFICATION = "cancel";
/** Notification host -> guest: `notifications/progress` of the call with this id. */
export const PROGRESS_NOTIFICATION = "progress";

/** JSON-RPC 2.0 numeric error codes used by the bridge. Every error also carries a stable
 * string code in `data.code`; that one is the contract, the number is the JSON-RPC category. */
export const RPC_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** Any mcpx error raised while serving a valid request (refused, tool failed, timeout …). */
  applicationError: -32000,
} as const;

/** A JSON-RPC request id as the bridge uses it. */
export type RpcId = number | string;

/** A JSON-RPC error object as sent on the wire. */
export interface RpcErrorObject {
  /** JSON-RPC numeric category ({@linkcode RPC_CODES}). */
  code: number;
  /** What failed and what to do. */
  message: string;
  /** `code` is the stable mcpx {@linkcode ErrorCode}; the rest depends on the error. */
  data: { code: ErrorCode } & Record<string, unknown>;
}

/** A reply frame (success or error). */
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RpcId | null; result: unknown }
  | { jsonrpc: "2.0"; id: RpcId | null; error: RpcErrorObject };

const encoder = new TextEncoder();

/** Serializes one frame, newline included. Key order puts `jsonrpc` and `id` first, which lets
 * the host name the id of a frame it refuses for its size. */
export function encodeFrame(message: Record<string, unknown>): Uint8Array {
  return encoder.encode(JSON.stringify(message) + "\n");
}

/** Best effort: the id of a frame whose head is `{"jsonrpc":"2.0","id":…` (as guests send). */
export function idFromHead(head: string): RpcId | null {
  const match = /^\s*\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*(-?\d{1,15}|"[^"\\]{0,200}")/
    .exec(head);
  if (match === null || match[1] === undefined) return null;
  return match[1].startsWith('"') ? match[1].slice(1, -1) : Number(match[1]);
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Longest string id, server name or tool name the host accepts: everything the host keeps
 * or echoes per request stays small, whatever the frame cap. */
export const MAX_NAME_LENGTH = 256;

/** Longest resource URI the host accepts (URIs name things; data goes in the reply). */
export const MAX_URI_LENGTH = 8192;

/** Whether `value` is a valid JSON-RPC id for the bridge: a safe integer, or a string of at
 * most {@linkcode MAX_NAME_LENGTH} characters (the bridge refuses `null` and fractions). */
export function isRpcId(value: unknown): value is RpcId {
  return (typeof value === "number" && Number.isSafeInteger(value)) ||
    (typeof value === "string" && value.length <= MAX_NAME_LENGTH);
}

/** `value` as JSON, cut to `max` characters for quoting in a message. */
export function quote(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Builds the wire error for `code` with a JSON-RPC category. */
export function rpcError(
  rpcCode: number,
  code: ErrorCode,
  message: string,
  data: Record<string, unknown> = {},
): RpcErrorObject {
  return { code: rpcCode, message, data: { ...data, code } };
}

const TOOL_ERROR_PREFIX = /^Tool "[^"]*" failed: /;

/** Turns anything a `ToolCaller` threw into a wire error. A `ToolError` keeps the server's text
 * and content; another `McpxError` keeps its code and data; anything else becomes `INTERNAL`. */
export function errorToWire(error: unknown, what: string): RpcErrorObject {
  if (error instanceof ToolError) {
    return rpcError(RPC_CODES.applicationError, error.code, error.message, {
      ...error.data,
      server: error.server,
      tool: error.tool,
      text: error.message.replace(TOOL_ERROR_PREFIX, ""),
      content: error.content,
    });
  }
  if (error instanceof McpxError) {
    return rpcError(RPC_CODES.applicationError, error.code, error.message, { ...error.data });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return rpcError(
    RPC_CODES.internalError,
    "INTERNAL",
    `The harness failed while serving ${what}: ${reason}. ` +
      "This is a bug in mcpx or in the MCP server; rerun with --verbose and report it.",
  );
}

/** Rebuilds the error a host sent: `ToolError` for `TOOL_ERROR`, else a `BridgeError` with the
 * same stable code. `server` and `tool` fill in what an old host might leave out. */
export function errorFromWire(
  wire: unknown,
  context: { server?: string | undefined; tool?: string | undefined },
): McpxError {
  if (!isObject(wire) || typeof wire.message !== "string") {
    return new BridgeError(
      "MALFORMED_FRAME",
      "The harness sent an error reply the bridge guest cannot read; rerun with --verbose and " +
        "report it as a bug in mcpx.",
      { data: { reply: wire } },
    );
  }
  const data = isObject(wire.data) ? { ...wire.data } : {};
  const code = (typeof data.code === "string" ? data.code : "BRIDGE_ERROR") as ErrorCode;
  if (code === "TOOL_ERROR" || code === "APPROVAL_DENIED") {
    const server = typeof data.server === "string" ? data.server : context.server ?? "?";
    const tool = typeof data.tool === "string" ? data.tool : context.tool ?? "?";
    const text = typeof data.text === "string"
      ? data.text
      : wire.message.replace(TOOL_ERROR_PREFIX, "");
    const content = Array.isArray(data.content) ? data.content : [];
    return new ToolError(server, tool, text, { content, data, code });
  }
  return new BridgeError(code, wire.message, { data });
}
