/**
 * `--timeout-ms N`, shared by the commands that talk to servers.
 *
 * @module
 */
import { UsageError } from "../errors.ts";

/** The `--timeout-ms` help line. */
export const TIMEOUT_HELP = "  --timeout-ms N      give up after N milliseconds";

/** Parses `--timeout-ms`; `undefined` when absent. */
export function parseTimeoutMs(text: string | undefined, command: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new UsageError(
      `mcpx ${command}: --timeout-ms must be a positive integer, got "${text}".`,
    );
  }
  return ms;
}
