/**
 * Strict JSON parsing with a file:line:column error.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** Line and column (both 1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

/**
 * Parses `text` as JSON; on a syntax error throws a one-line `ConfigError` such as
 * `mcp_config.json:3:1: invalid JSON: Expected double-quoted property name (…)`.
 */
export function parseJsonFile(text: string, displayPath: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const raw = cause instanceof Error ? cause.message : String(cause);
    const position = /at position (\d+)/.exec(raw);
    const offset = position === null ? text.length : Number(position[1]);
    const { line, column } = lineColumn(text, offset);
    const reason = text.trim() === ""
      ? 'the file is empty (write { "mcpServers": {} })'
      : `${
        raw.replace(/,? in JSON at position.*$/s, "").replace(
          /^Unexpected end of JSON input$/,
          "unexpected end of file",
        )
      } (fix the syntax; comments and trailing commas are not allowed)`;
    throw new ConfigError(
      "CONFIG_INVALID",
      `${displayPath}:${line}:${column}: invalid JSON: ${reason}`,
      {
        cause,
      },
    );
  }
}
