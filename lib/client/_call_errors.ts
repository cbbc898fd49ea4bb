/**
 * Mapping failures of one tool call to mcpx errors with stable codes.
 *
 * @module
 */
import { ClientError, McpxError, ToolError } from "../errors.ts";
import type { ServerConfig } from "../config/types.ts";
import type { Connection } from "./_connection.ts";
import { httpStatusOf } from "./_connection.ts";
import { McpError, McpErrorCode } from "./_sdk.ts";

/** What went wrong around one call, for {@linkcode callError}. */
export interface CallFailure {
  /** The server's config. */
  readonly config: ServerConfig;
  /** The tool called. */
  readonly tool: string;
  /** The connection used. */
  readonly connection: Connection;
  /** The timeout that applied. */
  readonly timeoutMs: number;
  /** `true` when the caller's signal aborted the call. */
  readonly aborted: boolean;
  /** `true` when mcpx's own deadline fired (task-based calls). */
  readonly timedOut: boolean;
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `true` when the error means the connection is unusable and the next call must reconnect. */
export function isConnectionLost(error: unknown, connection: Connection): boolean {
  if (connection.isClosed) return true;
  if (schemaIssues(error) !== undefined) return false;
  if (error instanceof McpError) return error.code === McpErrorCode.ConnectionClosed;
  return !(error instanceof McpxError);
}

/** The issues of a zod validation error (the SDK validates every response with zod), if
 * `error` is one. Checked by shape: the SDK's zod copy need not be ours. */
function schemaIssues(error: unknown): { path: PropertyKey[]; message: string }[] | undefined {
  if (!(error instanceof Error) || !error.name.endsWith("ZodError")) return undefined;
  const issues = (error as Error & { issues?: unknown }).issues;
  return Array.isArray(issues) ? issues : undefined;
}

/**
 * Converts `error` (thrown by the SDK during a call) into a {@linkcode ClientError} or
 * {@linkcode ToolError}. Call after letting the child's last stderr arrive.
 */
export function callError(error: unknown, failure: CallFailure): McpxError {
  if (error instanceof McpxError) return error;
  const { config, tool, connection } = failure;
  const where = `"${config.name}.${tool}"`;
  const data = { server: config.name, tool };
  if (failure.aborted) {
    return new ClientError(
      "CANCELLED",
      `Call to ${where} was cancelled; it was cancelled on the server too.`,
      {
        cause: error,
        data,
      },
    );
  }
  if (
    failure.timedOut ||
    (error instanceof McpError && error.code === McpErrorCode.RequestTimeout)
  ) {
    return new ClientError(
      "TIMEOUT",
      `Call to ${where} timed out after ${failure.timeoutMs} ms and was cancelled on the server; ` +
        `pass a larger timeoutMs (or raise "timeout" for this server in mcp_config.json).`,
      { cause: error, data: { ...data, timeoutMs: failure.timeoutMs } },
    );
  }
  if (isConnectionLost(error, connection)) {
    const status = httpStatusOf(error);
    if (status === 401 || status === 403) {
      return new ClientError(
        "AUTH_REQUIRED",
        `Server "${config.name}" refused the call with HTTP ${status}: set its credentials in ` +
          `mcp_config.json, e.g. "headers": {"Authorization": "Bearer …"}.`,
        { cause: error, data: { ...data, status } },
      );
    }
    const overflow = connection.transportErrors.find((e) => /exceeded maximum size/.test(text(e)));
    const tooLarge = /exceeded maximum size of (\d+) bytes/.exec(text(overflow));
    if (tooLarge !== null) {
      const mib = Number(tooLarge[1]) / (1024 * 1024);
      return new ClientError(
        "FRAME_TOO_LARGE",
        `Server "${config.name}" answered ${where} with a message over the MCP SDK's ` +
          `${mib} MiB stdio limit, so the connection was dropped; ask for less (a narrower ` +
          `query, paging or a size argument of the tool).`,
        { cause: overflow, data: { ...data, limitBytes: Number(tooLarge[1]) } },
      );
    }
    const tail = connection.stderr?.tail() ?? "";
    const what = config.type === "stdio" ? "exited" : "closed the connection";
    return new ClientError(
      "SERVER_EXITED",
      `Server "${config.name}" ${what} during ${where} (${text(error)})` +
        (tail ? `; its stderr ends with: ${tail}` : "") +
        `. The next call reconnects; if it keeps failing, check the server.`,
      { cause: error, data: { ...data, stderr: connection.stderr?.text() ?? "" } },
    );
  }
  const issues = schemaIssues(error);
  if (issues !== undefined) {
    const first = issues[0];
    const at = first === undefined ? "" : `${first.path.map(String).join(".")}: ${first.message}`;
    return new ClientError(
      "PROTOCOL_ERROR",
      `Server "${config.name}" answered ${where} with a response that breaks the MCP schema ` +
        `(${at}${issues.length > 1 ? ` and ${issues.length - 1} more` : ""}); ` +
        `the server is not compatible with this MCP client: update it or report it to its authors.`,
      { cause: error, data: { ...data, issues } },
    );
  }
  if (error instanceof McpError && /output schema/.test(error.message)) {
    // The SDK checks structuredContent against the tool's outputSchema on our side.
    return new ClientError(
      "PROTOCOL_ERROR",
      `Server "${config.name}" answered ${where} with a result that breaks the tool's own ` +
        `outputSchema (${error.message.replace(/^MCP error -?\d+: /, "")}); the server is at ` +
        `fault, not your arguments: report it to its authors.`,
      { cause: error, data },
    );
  }
  if (error instanceof McpError && error.code === McpErrorCode.InvalidParams) {
    return new ClientError(
      "INVALID_ARGUMENTS",
      `Server "${config.name}" rejected the arguments of ${where}: ${error.message}. ` +
        `Run "mcpx tools ${config.name} --schema" to see what it accepts.`,
      { cause: error, data },
    );
  }
  return new ToolError(config.name, tool, text(error), { cause: error });
}
