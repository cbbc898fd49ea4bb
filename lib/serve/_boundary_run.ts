/**
 * A serve run at the boundary to the model: the session's vault restores placeholders in the
 * run's arguments and tool calls, the output is masked before the agent sees it, and the run's
 * token accounting goes into the result's structured content and the runs file.
 *
 * @module
 */
import type { PrivacyConfig } from "../config/types.ts";
import { RunBoundary } from "../privacy/boundary.ts";
import { Vault } from "../privacy/vault.ts";
import type { RunTokens } from "../tokens/run_tokens.ts";
import { openTokenizer } from "../tokens/tokenizer.ts";
import type { RunOutcome, RunRequest, ServeBackend } from "./backend.ts";
import { formatRun } from "./_output.ts";

/** The privacy state of one serve session (one `createMcpxServer`): its own vault. */
export interface ServeSession {
  /** The session's vault, when privacy is on. */
  readonly vault: Vault | undefined;
}

/** Starts a session: a fresh in-memory vault (never shared with another session). */
export function startSession(privacy: PrivacyConfig | undefined): ServeSession {
  return { vault: privacy?.enabled === true ? new Vault() : undefined };
}

/** What a finished run answers. */
export interface BoundaryAnswer {
  /** The masked, formatted run (and any placeholder warnings). */
  readonly text: string;
  /** Whether the run failed. */
  readonly failed: boolean;
  /** The run's accounting. */
  readonly tokens: RunTokens;
}

/** One run at the session's boundary: restore arguments, run, mask, account. */
export class BoundaryRun {
  readonly #backend: ServeBackend;
  readonly #run: { kind: string; skill: string; limit: number };
  readonly #warnings: string[] = [];
  readonly #boundary: RunBoundary;

  constructor(
    backend: ServeBackend,
    session: ServeSession,
    run: { kind: string; skill: string; limit: number },
  ) {
    this.#backend = backend;
    this.#run = run;
    this.#boundary = new RunBoundary({
      privacy: backend.privacy,
      vault: session.vault,
      onWarning: (line) => this.#warnings.push(line),
    });
  }

  /** Restores the session's placeholders in the run's arguments (before they are checked). */
  restore<T>(args: T): T {
    return this.#boundary.restore(args);
  }

  /** Masks an error's message (a check may quote a restored value), then rethrows it. */
  fail(error: unknown): never {
    if (error instanceof Error) error.message = this.#boundary.mask(error.message);
    throw error;
  }

  /** Runs `request` through the backend's runner; returns the masked answer. */
  async run(request: Omit<RunRequest, "boundary">): Promise<BoundaryAnswer> {
    const boundary = this.#boundary;
    using tokenizer = openTokenizer();
    const outcome: RunOutcome = await this.#backend.runner.run({ ...request, boundary });
    const masked = {
      ...outcome,
      stdout: boundary.mask(outcome.stdout),
      stderr: boundary.mask(outcome.stderr),
    };
    const text = [formatRun(masked, this.#run.limit), ...this.#warnings].join("\n");
    const { tokens } = await boundary.record(text, {
      kind: this.#run.kind,
      skill: this.#run.skill,
      project: this.#backend.root,
      env: this.#backend.env ?? Deno.env.toObject(),
      tokenizer,
    });
    return { text, failed: outcome.exitCode !== 0, tokens };
  }
}
