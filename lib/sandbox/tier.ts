/**
 * The seam between the exec harness and a sandbox tier. The harness derives everything (Deno
 * flags, mounts, limits) and hands a {@linkcode SandboxRunSpec} to a {@linkcode SandboxTier},
 * which only knows how to start, watch and kill one run.
 *
 * @module
 */
import type { Tier } from "../config/types.ts";

/** Everything a tier needs to run one skill. Paths are absolute host paths. */
export interface SandboxRunSpec {
  /** Unique per run; a container is named `mcpx-<runId>`. */
  readonly runId: string;
  /** The module Deno runs (the harness bootstrap). */
  readonly entry: string;
  /** Arguments after the entry module. */
  readonly entryArgs: readonly string[];
  /** Flags between `deno run` and the entry: `--no-prompt`, `--allow-*`, `--deny-*`, … */
  readonly denoFlags: readonly string[];
  /** Working directory of the skill (the workspace). */
  readonly cwd: string;
  /** The complete environment of the skill process (already cleared to a fixed list). */
  readonly env: Readonly<Record<string, string>>;
  /** Host paths the skill may read (a container mounts them read-only at the same path). */
  readonly readOnlyPaths: readonly string[];
  /** Host paths the skill may write (mounted read-write at the same path). */
  readonly readWritePaths: readonly string[];
  /** The private directory holding the bridge socket (bind-mounted into a container). */
  readonly bridgeDir: string;
  /** Wall-clock limit; on expiry the whole process tree or container is killed. */
  readonly timeoutMs: number;
  /** Memory limit in MiB. */
  readonly memoryMb: number;
  /** CPU limit. */
  readonly cpus: number;
  /** Process limit. */
  readonly pidsLimit: number;
  /** Bytes of stdout and of stderr kept (each); the rest is dropped and the cut is said. */
  readonly outputLimitBytes: number;
  /** Aborting kills the run (SIGINT/SIGTERM of the harness). */
  readonly signal?: AbortSignal;
  /** Receives stdout chunks live (already capped). */
  readonly onStdout?: (chunk: Uint8Array) => void;
  /** Receives stderr chunks live (already capped). */
  readonly onStderr?: (chunk: Uint8Array) => void;
}

/** How one run ended. */
export interface SandboxRunOutcome {
  /** Exit status of the skill; 124 on timeout. */
  readonly code: number;
  /** Whether the wall-clock limit killed it. */
  readonly timedOut: boolean;
  /** Why the sandbox killed it, when it did: `"timeout"`, `"memory"`, `"signal"`. */
  readonly killed?: "timeout" | "memory" | "signal";
  /** Whether stdout exceeded `outputLimitBytes` and was cut. */
  readonly stdoutTruncated: boolean;
  /** Whether stderr exceeded `outputLimitBytes` and was cut. */
  readonly stderrTruncated: boolean;
}

/** A sandbox tier: `deno`, `podman` or `trusted`. */
export interface SandboxTier {
  /** The tier's name. */
  readonly name: Tier;
  /** Throws `SandboxError` (code `SANDBOX_UNAVAILABLE`) saying why this tier cannot run here. */
  ensureAvailable(): Promise<void>;
  /** Runs one skill to completion. */
  run(spec: SandboxRunSpec): Promise<SandboxRunOutcome>;
}
