/**
 * Error families. Each family is one class a caller can catch; `code` is a stable string that
 * scripts and the bridge protocol rely on. Messages say what failed and what to do.
 *
 * @module
 */

/** Stable error codes shared by the client, the bridge and the CLI. */
export type ErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_INVALID"
  | "UNKNOWN_SERVER"
  | "SERVER_DISABLED"
  | "SERVER_NOT_ALLOWED"
  | "UNKNOWN_TOOL"
  | "UNKNOWN_PROMPT"
  | "NOT_SUPPORTED"
  | "REQUEST_FAILED"
  | "INVALID_ARGUMENTS"
  | "TOOL_ERROR"
  | "TOOL_BLOCKED"
  | "APPROVAL_REQUIRED"
  | "APPROVAL_DENIED"
  | "TIMEOUT"
  | "CANCELLED"
  | "SERVER_EXITED"
  | "CONNECT_FAILED"
  | "PROTOCOL_ERROR"
  | "AUTH_REQUIRED"
  | "COMMAND_NOT_FOUND"
  | "TASK_REQUIRED"
  | "BRIDGE_ERROR"
  | "FRAME_TOO_LARGE"
  | "MALFORMED_FRAME"
  | "SKILL_INVALID"
  | "SANDBOX_UNAVAILABLE"
  | "SANDBOX_ERROR"
  | "DAEMON_ERROR"
  | "USAGE"
  | "STALE"
  | "INTERNAL";

/** Options accepted by every mcpx error. */
export interface McpxErrorOptions {
  /** The underlying error, kept for `--verbose`. */
  cause?: unknown;
  /** Extra machine-readable facts (e.g. the list of configured servers). */
  data?: Record<string, unknown>;
}

/**
 * Base class of every error mcpx raises on purpose. The CLI prints `error: <message>` for these
 * and a stack trace only with `--verbose`.
 *
 * @example
 * ```ts
 * import { McpxError } from "./errors.ts";
 * const err = new McpxError("UNKNOWN_SERVER", 'Unknown server "gti". Configured: git');
 * console.assert(err.code === "UNKNOWN_SERVER");
 * ```
 */
export class McpxError extends Error {
  /** Stable code, safe to match on. */
  readonly code: ErrorCode;
  /** Extra machine-readable facts. */
  readonly data: Record<string, unknown> | undefined;

  /** Creates an error with a stable `code`; pass `{ cause }` when wrapping another error. */
  constructor(code: ErrorCode, message: string, options: McpxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.data = options.data;
  }
}

/** `mcp_config.json` could not be found, read, or validated. */
export class ConfigError extends McpxError {}

/** Connecting to or talking with an MCP server failed (unknown server, timeout, exit …). */
export class ClientError extends McpxError {}

/** The MCP server answered a tool call with `isError: true`. Carries the server's text. */
export class ToolError extends McpxError {
  /** The server that reported the error. */
  readonly server: string;
  /** The tool that reported the error. */
  readonly tool: string;
  /** Every content item the server sent with the error. */
  readonly content: unknown[];

  /** Creates the error for `server`'s `tool`, quoting the server's `text`. */
  constructor(
    server: string,
    tool: string,
    text: string,
    options: McpxErrorOptions & {
      content?: unknown[];
      /** `APPROVAL_DENIED` when the operator refused the call. @default "TOOL_ERROR" */
      code?: "TOOL_ERROR" | "APPROVAL_DENIED";
    } = {},
  ) {
    super(options.code ?? "TOOL_ERROR", `Tool "${server}.${tool}" failed: ${text}`, options);
    this.server = server;
    this.tool = tool;
    this.content = options.content ?? [];
  }
}

/** The bridge between a sandboxed skill and the harness refused or failed a request. */
export class BridgeError extends McpxError {}

/** A skill file or its arguments are invalid. */
export class SkillError extends McpxError {}

/** A sandbox tier cannot run or failed to run the skill. */
export class SandboxError extends McpxError {}

/** Bad command-line usage; the CLI exits with status 2. */
export class UsageError extends McpxError {
  /** Creates a usage error (exit status 2). */
  constructor(message: string, options: McpxErrorOptions = {}) {
    super("USAGE", message, options);
  }
}
