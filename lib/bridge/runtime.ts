/**
 * How generated wrappers find their {@linkcode ToolCaller}: whatever is installed at
 * `globalThis[TOOL_CALLER_KEY]` — the bridge guest inside a sandbox, or a
 * `McpClientManager` in-process.
 *
 * @example
 * ```ts
 * import { getToolCaller } from "./runtime.ts";
 * try {
 *   getToolCaller(); // nothing installed in this process
 * } catch (error) {
 *   console.assert((error as { code: string }).code === "BRIDGE_ERROR");
 * }
 * ```
 *
 * @module
 */
import {
  type CallToolOptions,
  TOOL_CALLER_KEY,
  type ToolCaller,
  type ToolResult,
} from "../client/types.ts";
import { BridgeError } from "../errors.ts";

/** Returns the installed tool caller; throws a `BridgeError` (`BRIDGE_ERROR`) when there is
 * none, saying how to get one. */
export function getToolCaller(): ToolCaller {
  const caller = (globalThis as unknown as Record<symbol, ToolCaller | undefined>)[TOOL_CALLER_KEY];
  if (caller === undefined) {
    throw new BridgeError(
      "BRIDGE_ERROR",
      "No MCP tool caller is installed: run this file with `mcpx exec`, or call " +
        "`McpClientManager#install()` first.",
    );
  }
  return caller;
}

/** Calls `tool` on `server` through the installed tool caller. */
export function callTool(
  server: string,
  tool: string,
  args: Record<string, unknown> = {},
  options: CallToolOptions = {},
): Promise<ToolResult> {
  try {
    return getToolCaller().callTool(server, tool, args, options);
  } catch (error) {
    return Promise.reject(error);
  }
}
