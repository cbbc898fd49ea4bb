/**
 * Strict JSON parsing with a file:line:column error.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

const POSITION = /at position (\d+)/;

/** Line and column (both 1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

/**
 * Where parsing failed. V8 names a position for most errors; for an unexpected token it quotes
 * the text instead, so find the shortest prefix that fails for a reason other than ending early.
 * Quadratic, but only on the error path of a small file.
 */
function errorOffset(text: string, message: string): number {
  const position = POSITION.exec(message);
  if (position !== null) return Number(position[1]);
  for (let end = 1; end <= text.length; end++) {
    try {
      JSON.parse(text.slice(0, end));
    } catch (error) {
      const prefixMessage = error instanceof Error ? error.message : String(error);
      if (/end of JSON input|Unterminated string/i.test(prefixMessage)) continue;
      const at = POSITION.exec(prefixMessage);
      if (at !== null && Number(at[1]) >= end) continue;
      return at === null ? end - 1 : Number(at[1]);
    }
  }
  return text.length;
}

/** V8's message without the position or the quoted source text (which may span lines). */
function reasonOf(message: string): string {
  const reason = message
    .replace(/,? in JSON at position.*$/s, "")
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, "");
  return reason === "Unexpected end of JSON input" ? "unexpected end of file" : reason;
}

/**
 * Parses `text` as JSON (a leading byte-order mark is ignored); on a syntax error throws a
 * one-line `ConfigError` such as
 * `mcp_config.json:3:1: invalid JSON: Expected double-quoted property name (…)`.
 */
export function parseJsonFile(text: string, displayPath: string): unknown {
  const source = text.startsWith("\ufeff") ? text.slice(1) : text;
  try {
    return JSON.parse(source);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const { line, column } = lineColumn(source, errorOffset(source, message));
    const reason = source.trim() === ""
      ? 'the file is empty (write { "mcpServers": {} })'
      : `${reasonOf(message)} (fix the syntax; comments and trailing commas are not allowed)`;
    throw new ConfigError(
      "CONFIG_INVALID",
      `${displayPath}:${line}:${column}: invalid JSON: ${reason}`,
      { cause },
    );
  }
}
