/**
 * One run's boundary to the model: placeholders coming in (skill arguments, tool-call arguments)
 * are restored to real values, what goes out is masked, and every tool result is metered.
 * `mcpx exec`, `mcpx serve` and `mcpx call` make one per run; the harness wraps its tool caller
 * with {@linkcode RunBoundary.caller}, so a placeholder a skill passes on to a tool is restored
 * at the bridge, whatever the code did with it.
 *
 * @module
 */
import type { CallToolOptions, ToolCaller, ToolResult } from "../client/types.ts";
import type { PrivacyConfig } from "../config/types.ts";
import { resultText, type RunTokens, TokenMeter } from "../tokens/run_tokens.ts";
import { appendRun } from "../tokens/runs.ts";
import type { RunTokenizer } from "../tokens/tokenizer.ts";
import { PrivacyFilter } from "./filter.ts";
import type { Vault } from "./vault.ts";

/** Options of {@linkcode RunBoundary}. */
export interface RunBoundaryOptions {
  /** The privacy section; masking and restoring happen only when it is enabled. */
  privacy?: PrivacyConfig | undefined;
  /** The session's or project's vault (required for privacy to take effect). */
  vault?: Vault | undefined;
  /** Receives one line per placeholder that this vault does not know. */
  onWarning?: (line: string) => void;
}

/** A stream masker, or the identity when privacy is off. */
export interface OutputStream {
  /** Adds text; returns what may be released now. */
  push(text: string): string;
  /** Returns what is left. */
  flush(): string;
}

/** The boundary of one run. */
export class RunBoundary {
  readonly #meter = new TokenMeter();
  readonly #filter: PrivacyFilter | undefined;
  readonly #vault: Vault | undefined;
  readonly #onWarning: (line: string) => void;
  readonly #warned = new Set<string>();

  /** Makes the boundary; masking and restoring are on when `privacy` is enabled and a vault is given. */
  constructor(options: RunBoundaryOptions = {}) {
    const on = options.privacy?.enabled === true && options.vault !== undefined;
    this.#vault = on ? options.vault : undefined;
    this.#filter = on ? new PrivacyFilter(options.vault!, options.privacy!) : undefined;
    this.#onWarning = options.onWarning ?? (() => {});
  }

  /** Whether masking and restoring are on. */
  get enabled(): boolean {
    return this.#filter !== undefined;
  }

  /** Whether privacy is on and results of `server`'s `tool` are masked (not switched off). */
  masks(server: string, tool: string): boolean {
    return this.#filter?.covers(server, tool) ?? false;
  }

  /** The tool calls metered so far. */
  get calls(): number {
    return this.#meter.calls;
  }

  #warn(unknown: readonly string[]): void {
    for (const placeholder of unknown) {
      if (this.#warned.has(placeholder)) continue;
      this.#warned.add(placeholder);
      this.#onWarning(
        `warning: ${placeholder} is not a placeholder of this ${
          this.#vault?.scope ?? "session"
        } (another project or session made it, or it expired); passed on literally`,
      );
    }
  }

  /** Restores placeholders in a JSON-like value (tool or skill arguments). */
  restore<T>(value: T): T {
    if (this.#vault === undefined) return value;
    const restored = this.#vault.restore(value);
    this.#warn(restored.unknown);
    return restored.value;
  }

  /** Masks text bound for the model. */
  mask(text: string): string {
    return this.#filter === undefined ? text : this.#filter.mask(text);
  }

  /** A line-buffered masker for one output stream. */
  stream(): OutputStream {
    return this.#filter?.stream() ?? { push: (text) => text, flush: () => "" };
  }

  /**
   * Wraps the harness's tool caller: arguments are restored before they reach the tool,
   * results are metered, and the values in results of exempt servers or tools are learned.
   */
  caller(inner: ToolCaller): ToolCaller {
    return {
      callTool: async (
        server: string,
        tool: string,
        args?: Record<string, unknown>,
        options?: CallToolOptions,
      ): Promise<ToolResult> => {
        const result = await inner.callTool(server, tool, this.restore(args), options);
        this.#meter.add(result);
        if (this.#filter !== undefined && !this.#filter.covers(server, tool)) {
          this.#filter.exempt(resultText(result));
        }
        return result;
      },
      listTools: (server) => inner.listTools(server),
      listServers: () => inner.listServers(),
      ...(inner.listResources ? { listResources: (server) => inner.listResources!(server) } : {}),
      ...(inner.readResource
        ? { readResource: (server, uri, options) => inner.readResource!(server, uri, options) }
        : {}),
    };
  }

  /**
   * Counts the finished run (`output`: everything the model received) with `run.tokenizer`
   * (opened when the run started, so the tokenizer loaded while it ran; else one is opened now)
   * and appends it to the runs file. A runs file that cannot be written is returned as
   * `problem`, not thrown.
   */
  async record(
    output: string,
    run: {
      kind: string;
      skill: string;
      project: string;
      env: Readonly<Record<string, string>>;
      tokenizer?: RunTokenizer;
    },
  ): Promise<{ tokens: RunTokens; problem?: string }> {
    const tokens = await this.#meter.account(output, run.tokenizer);
    const problem = await appendRun(run.env, {
      at: new Date().toISOString(),
      kind: run.kind,
      skill: run.skill,
      project: run.project,
      toolCalls: this.#meter.calls,
      tokens,
    });
    return problem === undefined ? { tokens } : { tokens, problem };
  }
}
