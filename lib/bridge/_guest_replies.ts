/**
 * How the guest turns the host's replies back into mcpx values and errors.
 *
 * @module
 */
import type { ContentItem, ToolResult } from "../client/types.ts";
import { BridgeError } from "../errors.ts";
import { isObject } from "./_protocol.ts";

/** The error of a call whose abort signal fired. */
export function cancelled(what: string, reason: unknown): BridgeError {
  return new BridgeError("CANCELLED", `The call to ${what} was cancelled by the skill.`, {
    cause: reason,
  });
}

/** Rebuilds a `ToolResult` from a `callTool` result. */
export function toolResult(result: unknown, what: string): ToolResult {
  if (!isObject(result) || !Array.isArray(result.content)) throw malformedReply(what, result);
  return {
    value: result.value,
    content: result.content as ContentItem[],
    ...(isObject(result.structuredContent) ? { structuredContent: result.structuredContent } : {}),
    ...(isObject(result.meta) ? { meta: result.meta } : {}),
  };
}

/** The list under `key` of a `listTools`/`listServers` result. */
export function listOf<T>(result: unknown, key: string): readonly T[] {
  const list = isObject(result) ? result[key] : undefined;
  if (!Array.isArray(list)) throw malformedReply(key, result);
  return list as T[];
}

function malformedReply(what: string, result: unknown): BridgeError {
  return new BridgeError(
    "MALFORMED_FRAME",
    `The harness sent a reply for ${what} that the bridge guest cannot read; this is a bug in ` +
      "mcpx: rerun with --verbose and report it.",
    { data: { result } },
  );
}
