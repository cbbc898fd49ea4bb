/**
 * The `daemon` section: whether `mcpx` starts the resident daemon on first use and how long an
 * idle daemon lives (see docs/daemon.md).
 *
 * @module
 */
import { z } from "zod";
import { expected } from "./_zod.ts";

/** Keys of the `daemon` section. */
export const DAEMON_KEYS = ["autostart", "idle_timeout", "warm_runs"] as const;

/** Default seconds an idle daemon (no command, no call) lives before it exits. */
export const DEFAULT_DAEMON_IDLE_SECONDS = 1800;

/** Default number of fast-tier sandboxes the daemon keeps started ahead of their runs. */
export const DEFAULT_WARM_RUNS = 2;

/** The `daemon` section after defaults. */
export interface DaemonConfig {
  /** Start the daemon on the first forwarded command when none runs. @default false */
  readonly autostart: boolean;
  /** Seconds without any command after which the daemon exits; 0 = never. @default 1800 */
  readonly idleTimeoutSeconds: number;
  /** Fast-tier sandboxes kept started ahead of a repeated run (one per distinct run, the least
   * recently used dropped first); 0 = none. @default 2 */
  readonly warmRuns: number;
}

/** The `daemon` section as written. */
export const daemonSchema = z.object({
  autostart: z.boolean({ error: expected("true or false") }).optional(),
  idle_timeout: z.number({ error: expected("a number of seconds (0 = never)") }).min(0, {
    error: "must be 0 (never) or a positive number of seconds",
  }).optional(),
  warm_runs: z.number({ error: expected("a number of sandboxes (0 = none)") }).int({
    error: "must be a whole number",
  }).min(0, { error: "must be 0 (none) or more" }).max(16, {
    error: "must be at most 16 (each holds a Deno process)",
  }).optional(),
}, { error: expected("an object", 'write "daemon": { "autostart": true }') });

/** The `daemon` section as written. */
export type DaemonEntry = z.output<typeof daemonSchema>;

/** The `daemon` section with defaults applied. */
export function resolveDaemon(entry: DaemonEntry | undefined): DaemonConfig {
  return {
    autostart: entry?.autostart ?? false,
    idleTimeoutSeconds: entry?.idle_timeout ?? DEFAULT_DAEMON_IDLE_SECONDS,
    warmRuns: entry?.warm_runs ?? DEFAULT_WARM_RUNS,
  };
}
