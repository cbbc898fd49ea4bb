/**
 * `CheckpointCaller`: the one chain every tool call passes in the harness, whatever path it came
 * by (`mcpx call`, a skill through the bridge, `mcpx serve`): policy → approval → call → audit
 * and trace. It wraps any {@linkcode ToolCaller}, so a path gets it by construction, and it runs
 * in the harness, never in the sandbox.
 *
 * @module
 */
import type {
  CallToolOptions,
  ServerInfo,
  ToolCaller,
  ToolInfo,
  ToolResult,
} from "../client/types.ts";
import type { AuditArguments } from "../config/policy_schema.ts";
import { McpxError, ToolError } from "../errors.ts";
import { type Approver, previewArguments, visibleText } from "./approval.ts";
import { auditArguments, type AuditLog } from "./audit.ts";
import { globToRegExp, matchesAny, type ToolPolicy } from "./policy.ts";
import { findPrivateUrl } from "./deputy.ts";
import type { TraceSpan } from "./trace.ts";

/** Who and what a run is, as written into each audit line. */
export interface RunIdentity {
  /** The run id. */
  readonly run: string;
  /** `cli` or `serve:<session>`. */
  readonly caller: string;
  /** The skill or script path, when there is one. */
  readonly skill?: string;
  /** sha-256 of the code. */
  readonly codeSha256?: string;
}

/** Options of {@linkcode CheckpointCaller}. */
export interface CheckpointOptions {
  /** The compiled policy. */
  policy: ToolPolicy;
  /** Who is asked when a rule says `approve`; absent: such calls fail with `APPROVAL_REQUIRED`. */
  approver?: Approver | undefined;
  /** `--approve` globs over `server.tool`: these calls need no question this run. */
  preApproved?: readonly string[];
  /** What the operator does to pre-approve, quoted in `APPROVAL_REQUIRED`. */
  approveHint?: string;
  /** Where each call is logged. */
  audit?: AuditLog | undefined;
  /** How arguments are logged. @default "digest" */
  auditArguments?: AuditArguments;
  /** The run's span; each call becomes its child. */
  span?: TraceSpan | undefined;
  /** The run, for the audit lines. */
  identity: RunIdentity;
}

/**
 * Wraps `inner` with the checkpoint. Blocked tools are left out of `listTools` and fail with
 * `TOOL_BLOCKED`; an `approve` rule pauses the call until the approver answers, and a refusal
 * is a `ToolError` with code `APPROVAL_DENIED` that the run's code can catch.
 *
 * @example
 * ```ts
 * import { CheckpointCaller } from "./caller.ts";
 * import { ToolPolicy } from "./policy.ts";
 * import type { ToolCaller } from "../client/types.ts";
 * const inner: ToolCaller = {
 *   callTool: () => Promise.resolve({ value: 1, content: [] }),
 *   listTools: () => Promise.resolve([{ name: "read", inputSchema: {} }, { name: "delete", inputSchema: {} }]),
 *   listServers: () => Promise.resolve([]),
 * };
 * const policy = new ToolPolicy({
 *   file: "mcp_config.json",
 *   rules: [{ pattern: "*.delete", decision: "block", source: 'policy "*.delete"' }],
 *   allowedTools: {},
 * });
 * const caller = new CheckpointCaller(inner, { policy, identity: { run: "r1", caller: "cli" } });
 * console.assert((await caller.listTools("fs")).length === 1);
 * ```
 */
export class CheckpointCaller implements ToolCaller {
  readonly #inner: ToolCaller;
  readonly #options: CheckpointOptions;
  readonly #preApproved: readonly RegExp[];
  #calls = 0;

  /** Wraps `inner`. */
  constructor(inner: ToolCaller, options: CheckpointOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#preApproved = (options.preApproved ?? []).map(globToRegExp);
  }

  /** Tool calls seen so far (blocked and denied ones included). */
  get calls(): number {
    return this.#calls;
  }

  /** Checks, maybe asks, calls, then logs and traces the call. */
  async callTool(
    server: string,
    tool: string,
    args: Record<string, unknown> = {},
    options?: CallToolOptions,
  ): Promise<ToolResult> {
    this.#calls++;
    const started = performance.now();
    const { policy } = this.#options;
    const verdict = policy.decide(server, tool);
    let decision = verdict.decision === "block-private-urls"
      ? "allow" as const
      : verdict.decision as "allow" | "approve" | "block" | "denied";
    const span = this.#options.span?.child("mcpx.tool_call", {
      "mcpx.server": server,
      "mcpx.tool": tool,
      "mcpx.decision": decision,
    });
    let result: ToolResult | undefined;
    let outcome = "ok";
    try {
      if (decision === "block") throw policy.blockedError(server, tool, verdict.rule);
      if (verdict.decision === "block-private-urls") {
        const hit = await findPrivateUrl(args);
        if (hit !== undefined) {
          decision = "block";
          throw policy.blockedError(server, tool, verdict.rule, {
            reason: `its argument ${hit.path} points to ${hit.host} (${hit.range})`,
          });
        }
      }
      if (decision === "approve" && !matchesAny(this.#preApproved, server, tool)) {
        if (!await this.#approve(server, tool, args, verdict.rule, options?.signal)) {
          decision = "denied";
          throw new ToolError(
            server,
            tool,
            `the call was denied by the person asked to approve it (${verdict.rule} in ` +
              `${policy.file}).`,
            { code: "APPROVAL_DENIED", data: { server, tool, rule: verdict.rule } },
          );
        }
      }
      result = await this.#inner.callTool(server, tool, args, options);
      return result;
    } catch (error) {
      outcome = error instanceof McpxError ? error.code : "INTERNAL";
      throw error;
    } finally {
      const durationMs = Math.round(performance.now() - started);
      span?.set({ "mcpx.decision": decision, "mcpx.outcome": outcome });
      span?.end(outcome === "ok" ? undefined : outcome);
      const { audit, identity } = this.#options;
      const mode = this.#options.auditArguments ?? "digest";
      // Built in the audit queue, off the call's path: the result's size costs a stringify.
      audit?.append(async () => ({
        type: "call",
        time: new Date().toISOString(),
        ...identity,
        server,
        tool,
        args: await auditArguments(args, mode),
        decision,
        ...(verdict.rule === undefined ? {} : { rule: verdict.rule }),
        outcome,
        durationMs,
        resultBytes: result === undefined ? 0 : byteLength(result),
      }));
    }
  }

  async #approve(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    rule: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const { approver, policy } = this.#options;
    const answer = await approver?.({ server, tool, args, rule, file: policy.file, signal });
    if (answer === undefined) {
      const hint = this.#options.approveHint ?? `pre-approve it with --approve "${server}.${tool}"`;
      throw new McpxError(
        "APPROVAL_REQUIRED",
        `${visibleText(`${server}.${tool}`)} needs approval (${rule} in ${policy.file}) and ` +
          `there is no one to ` +
          `ask here; ${hint}. Arguments: ${previewArguments(args, 120)}`,
        { data: { server, tool, rule } },
      );
    }
    return answer;
  }

  /** Lists the tools of `server`, without the blocked ones. */
  async listTools(server: string): Promise<readonly ToolInfo[]> {
    const tools = await this.#inner.listTools(server);
    const { policy } = this.#options;
    return policy.empty ? tools : tools.filter((tool) => policy.visible(server, tool.name));
  }

  /** Lists the configured servers. */
  listServers(): Promise<readonly ServerInfo[]> {
    return this.#inner.listServers();
  }
}

function byteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? "").length;
}
