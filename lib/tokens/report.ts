/**
 * The token table of `mcpx tokens`: what each level of progressive disclosure costs, against
 * the traditional approach of sending every tool definition to the model.
 *
 * @module
 */
import { countTokens } from "./count.ts";
import { TOKENIZER, TOKENIZER_NOTE } from "./tokenizer.ts";
import { columnWidths } from "../_columns.ts";

/** One thing an agent could put in its context. `text` undefined means it could not be made. */
export interface TokenSource {
  /** What the row measures, e.g. `servers/README.md`. */
  readonly label: string;
  /** The exact text that would reach the model, or `undefined` when unavailable. */
  readonly text: string | undefined;
  /** Why `text` is unavailable and what to do, when it is. */
  readonly missing?: string;
}

/** One measured row. */
export interface TokenRow {
  /** What the row measures. */
  readonly label: string;
  /** Tokens, or `undefined` when the source was unavailable. */
  readonly tokens: number | undefined;
  /** Bytes of UTF-8, or `undefined` when unavailable. */
  readonly bytes: number | undefined;
  /** Percentage saved against the baseline (first row), e.g. `98.7`; `undefined` for the
   * baseline itself and unavailable rows. */
  readonly reductionPercent: number | undefined;
  /** Why the row is unavailable. */
  readonly missing?: string;
}

/** The whole report. */
export interface TokenReport {
  /** The tokenizer used. */
  readonly tokenizer: string;
  /** The caveat about Claude models. */
  readonly note: string;
  /** Rows; the first is the baseline. */
  readonly rows: readonly TokenRow[];
}

/**
 * Measures every source; the first one is the baseline the others are compared with.
 *
 * @example
 * ```ts
 * import { buildTokenReport } from "./report.ts";
 * const report = buildTokenReport([
 *   { label: "all tools", text: "word ".repeat(1000) },
 *   { label: "one header", text: "word ".repeat(10) },
 * ]);
 * console.assert(report.rows[1]!.reductionPercent === 99);
 * ```
 */
export function buildTokenReport(sources: readonly TokenSource[]): TokenReport {
  const encoder = new TextEncoder();
  const measured = sources.map((s) => ({
    source: s,
    tokens: s.text === undefined ? undefined : countTokens(s.text),
    bytes: s.text === undefined ? undefined : encoder.encode(s.text).length,
  }));
  const baseline = measured[0]?.tokens;
  const rows = measured.map(({ source, tokens, bytes }, index): TokenRow => {
    const reductionPercent = index === 0 || tokens === undefined || !baseline
      ? undefined
      : Math.round((1 - tokens / baseline) * 1000) / 10;
    const row: TokenRow = { label: source.label, tokens, bytes, reductionPercent };
    return source.missing === undefined ? row : { ...row, missing: source.missing };
  });
  return { tokenizer: TOKENIZER, note: TOKENIZER_NOTE, rows };
}

/**
 * Renders a report as an aligned text table (a Markdown table when `markdown` is set).
 *
 * @example
 * ```ts
 * import { buildTokenReport, formatTokenReport } from "./report.ts";
 * const text = formatTokenReport(buildTokenReport([{ label: "a", text: "hello world" }]));
 * console.assert(text.includes("hello") === false && text.includes("| a"));
 * ```
 */
export function formatTokenReport(
  report: TokenReport,
  options: { markdown?: boolean } = {},
): string {
  const header = ["what the model reads", "tokens", "bytes", "vs. all tool definitions"];
  const body = report.rows.map((row, index) => [
    row.label,
    row.tokens === undefined ? "n/a" : String(row.tokens),
    row.bytes === undefined ? "n/a" : String(row.bytes),
    index === 0
      ? "baseline"
      : row.reductionPercent === undefined
      ? `n/a${row.missing ? ` (${row.missing})` : ""}`
      : `${row.reductionPercent.toFixed(1)} % fewer`,
  ]);
  const widths = columnWidths([header, ...body]);
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")
    } |`;
  const rule = options.markdown
    ? `|${
      widths.map((w, i) => (i === 0 ? `-${"-".repeat(w)}-` : `${"-".repeat(w + 1)}:`)).join("|")
    }|`
    : `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [
    line(header),
    rule,
    ...body.map(line),
    "",
    `Tokenizer: ${report.tokenizer}. ${report.note}`,
    "",
  ].join("\n");
}
