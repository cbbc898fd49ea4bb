/**
 * Human-readable rendering of resource and prompt listings and results, used by
 * `mcpx resources` and `mcpx prompts`.
 *
 * @module
 */
import { summarizeContentItem } from "./format.ts";
import type {
  GetPromptResult,
  PromptInfo,
  ReadResourceResult,
  ResourceContents,
  ResourceInfo,
  ResourceTemplateInfo,
} from "./resource_types.ts";
import type { ContentItem } from "./types.ts";

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n").map((line) => line.trim()).find((line) => line !== "") ?? "";
}

/** Lays out rows as columns separated by two spaces (the last column is not padded). */
export function columns(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  return rows.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ")
      .trimEnd()
  ).join("\n") + "\n";
}

/**
 * A table of resources (NAME, URI, MIME, DESCRIPTION), then the templates when there are any.
 *
 * @example
 * ```ts
 * import { formatResourceList } from "./format_resources.ts";
 * const text = formatResourceList([{ name: "a", uri: "x://a", mimeType: "text/plain" }], []);
 * console.assert(text.includes("x://a") && text.includes("text/plain"));
 * ```
 */
export function formatResourceList(
  resources: readonly ResourceInfo[],
  templates: readonly ResourceTemplateInfo[],
): string {
  let text = "";
  if (resources.length > 0) {
    text += columns([
      ["NAME", "URI", "MIME", "DESCRIPTION"],
      ...resources.map((r) => [r.name, r.uri, r.mimeType ?? "", firstLine(r.description)]),
    ]);
  }
  if (templates.length > 0) {
    text += `${text === "" ? "" : "\n"}Templates (fill in the {placeholders} and read the URI):\n`;
    text += columns([
      ["NAME", "URI TEMPLATE", "MIME", "DESCRIPTION"],
      ...templates.map((t) => [t.name, t.uriTemplate, t.mimeType ?? "", firstLine(t.description)]),
    ]);
  }
  return text;
}

/** The bytes of one content item: UTF-8 of `text`, or the decoded `blob`. */
export function contentBytes(item: ResourceContents): Uint8Array {
  if (typeof item.text === "string") return new TextEncoder().encode(item.text);
  const binary = atob(typeof item.blob === "string" ? item.blob : "");
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * A read result for a terminal: each text item as is, each blob as one summary line.
 *
 * @example
 * ```ts
 * import { formatReadResult } from "./format_resources.ts";
 * const text = formatReadResult({ contents: [{ uri: "x://b", blob: "AAAA" }] });
 * console.assert(text === "[resource x://b (3 bytes)]; --out FILE writes it\n");
 * ```
 */
export function formatReadResult(result: ReadResourceResult): string {
  return result.contents.map((item) => {
    if (typeof item.text === "string") {
      return item.text.endsWith("\n") ? item.text : `${item.text}\n`;
    }
    const line = summarizeContentItem({ type: "resource", resource: item } as ContentItem);
    return `${line}; --out FILE writes it\n`;
  }).join("");
}

/**
 * A table of prompts (NAME, ARGUMENTS, DESCRIPTION); required arguments are marked `*`.
 *
 * @example
 * ```ts
 * import { formatPromptList } from "./format_resources.ts";
 * const text = formatPromptList([{ name: "p", arguments: [{ name: "city", required: true }] }]);
 * console.assert(text.includes("city*"));
 * ```
 */
export function formatPromptList(prompts: readonly PromptInfo[]): string {
  if (prompts.length === 0) return "";
  return columns([
    ["NAME", "ARGUMENTS", "DESCRIPTION"],
    ...prompts.map((p) => [
      p.name,
      (p.arguments ?? []).map((a) => `${a.name}${a.required === true ? "*" : ""}`).join(" "),
      firstLine(p.description ?? p.title),
    ]),
  ]) + "(* = required; get one with: mcpx prompts <server> <name> key=value …)\n";
}

/** A prompt's messages for a terminal: `[role]` then its text or a one-line summary. */
export function formatPrompt(result: GetPromptResult): string {
  const parts: string[] = [];
  if (result.description !== undefined) parts.push(`# ${result.description}`);
  for (const message of result.messages) {
    const content = message.content;
    const body = content.type === "text" && typeof content.text === "string"
      ? content.text
      : summarizeContentItem(content as ContentItem);
    parts.push(`[${message.role}]\n${body}`);
  }
  return parts.length === 0 ? "" : `${parts.join("\n\n")}\n`;
}
