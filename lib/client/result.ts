/**
 * Turning a raw MCP `CallToolResult` into a {@linkcode ToolResult}: every content item kept as
 * sent, plus the single most useful `value`.
 *
 * @module
 */
import { ToolError } from "../errors.ts";
import type { ContentItem, ToolResult } from "./types.ts";

/** The parts of an MCP `CallToolResult` that mcpx reads. */
export interface RawToolResult {
  /** The content items. */
  readonly content?: readonly unknown[];
  /** Structured output, when the tool returns one. */
  readonly structuredContent?: Record<string, unknown>;
  /** `true` when the tool failed. */
  readonly isError?: boolean;
  /** Metadata. */
  readonly _meta?: Record<string, unknown>;
  /** Anything else the server sent. */
  readonly [key: string]: unknown;
}

function isContentItem(item: unknown): item is ContentItem {
  return typeof item === "object" && item !== null &&
    typeof (item as { type?: unknown }).type === "string";
}

function textsOf(content: readonly ContentItem[]): string[] {
  return content.filter((item) => item.type === "text" && typeof item.text === "string")
    .map((item) => item.text as string);
}

/**
 * Computes `value`: `structuredContent` when present, else the JSON-parsed text of a lone text
 * item (the text itself when it is not JSON), else the text items joined by newlines, else
 * `undefined`.
 */
function valueOf(raw: RawToolResult, content: readonly ContentItem[]): unknown {
  if (raw.structuredContent !== undefined) return raw.structuredContent;
  const texts = textsOf(content);
  if (texts.length === 0) return undefined;
  if (texts.length === 1 && content.length === 1) {
    try {
      return JSON.parse(texts[0]!);
    } catch {
      return texts[0];
    }
  }
  return texts.join("\n");
}

/**
 * Converts a raw result of `server`'s `tool` into a {@linkcode ToolResult}, throwing
 * {@linkcode ToolError} (with the server's text and every content item) when `isError` is set.
 *
 * @example
 * ```ts
 * import { toToolResult } from "./result.ts";
 * const result = toToolResult("everything", "get-sum", {
 *   content: [{ type: "text", text: "5" }],
 * });
 * console.assert(result.value === 5);
 * ```
 */
export function toToolResult(server: string, tool: string, raw: RawToolResult): ToolResult {
  const content = (raw.content ?? []).filter(isContentItem);
  if (raw.isError === true) {
    const text = textsOf(content).join(" ").trim() || "the server reported an error without text";
    throw new ToolError(server, tool, text, {
      content: [...content],
      data: raw.structuredContent === undefined ? {} : { structuredContent: raw.structuredContent },
    });
  }
  return {
    value: valueOf(raw, content),
    content,
    ...(raw.structuredContent === undefined ? {} : { structuredContent: raw.structuredContent }),
    ...(raw._meta === undefined ? {} : { meta: raw._meta }),
  };
}
