/**
 * Plain-text columns for the CLI's tables. Widths are computed with a loop, never by spreading
 * rows into `Math.max(...)`: a config with 150,000 servers would overflow the call stack.
 *
 * @module
 */

/** The widest cell of each column (header included). */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  }
  return widths;
}

/**
 * Rows as lines of columns separated by two spaces; the last column is not padded and trailing
 * spaces are trimmed.
 *
 * @example
 * ```ts
 * import { formatColumns } from "./_columns.ts";
 * console.assert(formatColumns([["NAME", "TYPE"], ["a", "stdio"]]) === "NAME  TYPE\na     stdio\n");
 * ```
 */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths = columnWidths(rows);
  const lines = rows.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ")
      .trimEnd()
  );
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
