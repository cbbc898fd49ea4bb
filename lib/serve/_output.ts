/**
 * Turns a run's outcome into the text an agent reads: short, with cuts marked.
 *
 * @module
 */
import type { RunOutcome } from "./backend.ts";

/** Keeps the first `limit` characters of `text` and says how much was cut. */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${
    text.slice(0, limit)
  }\n[mcpx: output cut: kept the first ${limit} of ${text.length} characters]`;
}

/** Formats a run as `exit N in M ms` plus the (capped) stdout and stderr sections. */
export function formatRun(outcome: RunOutcome, limit: number): string {
  const head = outcome.timedOut
    ? `timed out after ${outcome.durationMs} ms (exit ${outcome.exitCode})`
    : `exit ${outcome.exitCode} in ${outcome.durationMs} ms`;
  const parts = [head];
  if (outcome.stdout.length > 0) parts.push(`--- stdout ---\n${capText(outcome.stdout, limit)}`);
  if (outcome.stderr.length > 0) parts.push(`--- stderr ---\n${capText(outcome.stderr, limit)}`);
  return parts.join("\n");
}
