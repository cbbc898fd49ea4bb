/**
 * Human-readable rendering of tool results and tool listings, used by `mcpx call` and
 * `mcpx tools` (and by anything else that prints a {@linkcode ToolResult}).
 *
 * @module
 */
import type { ContentItem, ToolInfo, ToolResult } from "./types.ts";

function base64Bytes(data: unknown): number | undefined {
  if (typeof data !== "string") return undefined;
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.floor(data.length * 3 / 4) - padding;
}

/**
 * One line for a non-text content item, e.g. `[image/png, 1234 bytes]` or
 * `[resource_link file:///a.txt]`.
 *
 * @example
 * ```ts
 * import { summarizeContentItem } from "./format.ts";
 * const line = summarizeContentItem({ type: "image", mimeType: "image/png", data: "AAAA" });
 * console.assert(line === "[image/png, 3 bytes]");
 * ```
 */
export function summarizeContentItem(item: ContentItem): string {
  if (item.type === "image" || item.type === "audio") {
    const mime = typeof item.mimeType === "string" ? item.mimeType : item.type;
    return `[${mime}, ${base64Bytes(item.data) ?? "?"} bytes]`;
  }
  if (item.type === "resource") {
    const resource = (item.resource ?? {}) as Record<string, unknown>;
    const size = typeof resource.text === "string"
      ? `${new TextEncoder().encode(resource.text).length} bytes of text`
      : `${base64Bytes(resource.blob) ?? "?"} bytes`;
    const mime = typeof resource.mimeType === "string" ? `${resource.mimeType}, ` : "";
    return `[resource ${String(resource.uri ?? "?")} (${mime}${size})]`;
  }
  if (item.type === "resource_link") {
    const mime = typeof item.mimeType === "string" ? ` (${item.mimeType})` : "";
    return `[resource_link ${String(item.uri ?? "?")}${mime}]`;
  }
  return `[${item.type}]`;
}

/**
 * Renders a result for a terminal: `value` (a string as is, anything else as indented JSON),
 * then one summary line per non-text content item. Ends with a newline unless empty.
 *
 * @example
 * ```ts
 * import { formatToolResult } from "./format.ts";
 * const text = formatToolResult({ value: { a: 1 }, content: [] });
 * console.assert(text === '{\n  "a": 1\n}\n');
 * ```
 */
export function formatToolResult(result: ToolResult): string {
  const lines: string[] = [];
  if (typeof result.value === "string") lines.push(result.value);
  else if (result.value !== undefined) lines.push(JSON.stringify(result.value, null, 2));
  for (const item of result.content) {
    if (item.type !== "text") lines.push(summarizeContentItem(item));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** The first line of a tool's description (or its title), for one-line listings. */
export function toolSummary(tool: ToolInfo): string {
  const text = tool.description ?? tool.title ?? "";
  return text.split("\n").map((line) => line.trim()).find((line) => line !== "") ?? "";
}
