/**
 * Reading config text: JSON with comments and trailing commas (JSONC, as VS Code, Cursor and
 * Claude Code write it) and TOML (Codex). Every syntax error is one line
 * `<file>:<line>:<column>: invalid JSON: <reason>`, and a key written twice in one object is an
 * error naming both lines instead of silently keeping the last.
 *
 * Most files are plain JSON: those are read by `JSON.parse`, and the JSONC parser (which also
 * words every syntax error) and the TOML parser load only for a file that needs them.
 *
 * @module
 */
import type { Node, ParseError } from "jsonc-parser";
import { ConfigError } from "../errors.ts";
import { formatJsonPath } from "./_describe.ts";

/** The syntaxes config files are written in. */
export type Syntax = "json" | "toml";

/** Line and column (both 1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

const REASONS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a double-quoted property name",
  ValueExpected: "expected a value",
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: "unexpected text after the end of the document",
  InvalidCommentToken: "invalid comment",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in a string (escape it)",
};

function syntaxError(file: string, text: string, offset: number, reason: string, cause?: unknown) {
  const { line, column } = lineColumn(text, offset);
  return new ConfigError("CONFIG_INVALID", `${file}:${line}:${column}: ${reason}`, { cause });
}

/** Builds the value of a tree node, refusing keys written twice (JSON.parse keeps the last). */
function valueOf(node: Node, path: PropertyKey[], file: string, text: string): unknown {
  if (node.type === "array") {
    return (node.children ?? []).map((child, i) => valueOf(child, [...path, i], file, text));
  }
  if (node.type !== "object") return node.value;
  // defineProperty keeps a "__proto__" key as data, so later checks can see (and refuse) it.
  const object: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (keyNode === undefined || valueNode === undefined) continue;
    const key = String(keyNode.value);
    const first = seen.get(key);
    if (first !== undefined) {
      const where = formatJsonPath(path);
      const firstLine = lineColumn(text, first).line;
      throw syntaxError(
        file,
        text,
        keyNode.offset,
        `${where === "" ? "" : `${where}: `}"${key}" is defined twice (first on line ` +
          `${firstLine}; mcpx will not guess which one you meant: rename or remove one)`,
      );
    }
    seen.set(key, keyNode.offset);
    Object.defineProperty(object, key, {
      value: valueOf(valueNode, [...path, key], file, text),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

/** A string token, and whether it is an object key (a colon follows), in valid JSON text. */
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"\s*(:)?/g;

/** The number of keys of every object in a parsed value. */
function keyCount(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  let count = Array.isArray(value) ? 0 : children.length;
  for (const child of children) count += keyCount(child);
  return count;
}

/**
 * `text` read by `JSON.parse` when it is plain JSON with no key written twice in an object (the
 * keys written outnumber the keys read when one is); `undefined` otherwise.
 */
function plainJson(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  let written = 0;
  for (const match of text.matchAll(STRING_TOKEN)) if (match[1] !== undefined) written++;
  return written === keyCount(value) ? { value } : undefined;
}

/**
 * Parses JSON that may hold comments and trailing commas. A leading byte-order mark is ignored.
 *
 * @throws {ConfigError} `CONFIG_INVALID`, one line with file, line and column.
 */
export async function parseJsonc(text: string, file: string): Promise<unknown> {
  const source = text.startsWith("\ufeff") ? text.slice(1) : text;
  if (source.trim() === "") {
    throw syntaxError(
      file,
      source,
      0,
      'invalid JSON: the file is empty (write { "mcpServers": {} })',
    );
  }
  const plain = plainJson(source);
  if (plain !== undefined) return plain.value;
  const { parseTree, printParseErrorCode } = await import("jsonc-parser");
  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined || tree === undefined) {
    const code = first === undefined ? "ValueExpected" : printParseErrorCode(first.error);
    const token = first === undefined
      ? ""
      : source.slice(first.offset, first.offset + first.length);
    const reason = code === "InvalidSymbol" && token !== ""
      ? `unexpected ${JSON.stringify(token)}`
      : REASONS[code] ?? code;
    throw syntaxError(file, source, first?.offset ?? 0, `invalid JSON: ${reason} (fix the syntax)`);
  }
  return valueOf(tree, [], file, source);
}

/**
 * Parses TOML (Codex's `config.toml`).
 *
 * @throws {ConfigError} `CONFIG_INVALID`, one line with file, line and column.
 */
export async function parseTomlText(text: string, file: string): Promise<unknown> {
  const { parse: parseToml, TomlError } = await import("smol-toml");
  try {
    return parseToml(text);
  } catch (cause) {
    if (cause instanceof TomlError) {
      const reason = cause.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      throw new ConfigError(
        "CONFIG_INVALID",
        `${file}:${cause.line}:${cause.column}: invalid TOML: ${reason} (fix the syntax)`,
        { cause },
      );
    }
    throw cause;
  }
}

/** Parses `text` in `syntax`. */
export function parseSyntax(text: string, syntax: Syntax, file: string): Promise<unknown> {
  return syntax === "toml" ? parseTomlText(text, file) : parseJsonc(text, file);
}
