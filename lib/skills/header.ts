/**
 * Reads a skill's USAGE header statically, without running any of its code: the first comment
 * block of the file (`/** … *\/`, `/* … *\/`, or consecutive `//` lines), after an optional
 * shebang. Its first non-empty line is the name, the next non-empty line the one-line purpose
 * (`name: purpose` or `name - purpose` on one line is accepted too).
 *
 * @module
 */

/** A skill's USAGE header. */
export interface SkillHeader {
  /** The whole header text, comment markers removed, common indentation kept. */
  readonly text: string;
  /** The first line (the skill's name as its author wrote it). */
  readonly name: string;
  /** The one-line purpose; empty when the header has none. */
  readonly purpose: string;
}

function blockLines(source: string): string[] | undefined {
  const block = source.match(/^\/\*\*?([\s\S]*?)\*\//);
  if (block !== null) {
    return block[1]!.split("\n").map((line) => line.replace(/^\s*\* ?/, "").trimEnd());
  }
  const lines: string[] = [];
  for (const line of source.split("\n")) {
    const match = line.match(/^\s*\/\/ ?(.*)$/);
    if (match === null) break;
    lines.push(match[1]!.trimEnd());
  }
  return lines.length > 0 ? lines : undefined;
}

/**
 * Extracts the USAGE header from a skill's source, or `undefined` when the file does not start
 * with a comment.
 *
 * @example
 * ```ts
 * import { extractHeader } from "./header.ts";
 * const header = extractHeader("/**\n * fetch\n * Fetch a page as text.\n *\/\nexport {};\n");
 * console.assert(header?.name === "fetch" && header.purpose === "Fetch a page as text.");
 * ```
 */
export function extractHeader(source: string): SkillHeader | undefined {
  const body = source.replace(/^\uFEFF/, "").replace(/^#![^\n]*\n/, "").replace(/^\s+/, "");
  const lines = blockLines(body.replace(/\r\n/g, "\n"));
  if (lines === undefined) return undefined;
  while (lines.length > 0 && lines[0]!.trim() === "") lines.shift();
  while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
  if (lines.length === 0) return undefined;
  const first = lines[0]!.trim();
  const inline = first.match(/^(\S+)\s*(?::|\s-|\s—)\s+(.+)$/);
  const purpose = inline?.[2] ?? lines.slice(1).find((line) => line.trim() !== "")?.trim() ?? "";
  return { text: lines.join("\n"), name: inline?.[1] ?? first, purpose };
}
