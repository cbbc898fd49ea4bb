/**
 * `openRun()`: puts the checkpoint in front of a run's tool caller and records the run itself
 * (one audit line and one root span when it ends). Every path that runs tools opens one: `mcpx
 * exec` and serve's runs (in the exec harness) and `mcpx call`.
 *
 * @module
 */
import type { ToolCaller } from "../client/types.ts";
import type { McpxConfig } from "../config/types.ts";
import type { GovernanceConfig } from "../config/policy_schema.ts";
import type { Approver } from "./approval.ts";
import { AuditLog, auditPath, sha256 } from "./audit.ts";
import { CheckpointCaller, type RunIdentity } from "./caller.ts";
import { ToolPolicy } from "./policy.ts";
import { loadTracer, tracesEndpoint } from "./trace.ts";

/** How a run meets the checkpoint: who started it and who approves its calls. */
export interface RunCheckpointOptions {
  /** `exec`, `call`, `run_skill` or `execute_code`. @default "exec" */
  kind?: string;
  /** `cli` or `serve:<session>`. @default "cli" */
  caller?: string;
  /** Who is asked when a rule says `approve`. */
  approver?: Approver | undefined;
  /** `--approve` globs for this run. */
  approve?: readonly string[];
  /** How to pre-approve, for `APPROVAL_REQUIRED` messages. @default --approve advice */
  approveHint?: string;
  /** Receives notices (an unwritable audit log). */
  onNotice?: (line: string) => void;
}

/** An open run. */
export interface CheckpointRun {
  /** The run id, shared by the run's audit lines. */
  readonly id: string;
  /** The caller to give the run. */
  readonly caller: CheckpointCaller;
  /** Records how the run ended (`ok`, `exit 1`, an error code), flushes the log and spans. */
  end(outcome: string): Promise<void>;
}

const EMPTY: Pick<GovernanceConfig, "file" | "rules" | "allowedTools"> = {
  file: "mcp_config.json",
  rules: [],
  allowedTools: {},
};
const policies = new WeakMap<object, ToolPolicy>();

/** The compiled policy of `config`, made once per loaded config. */
export function policyOf(config: McpxConfig): ToolPolicy {
  const key = config.governance ?? EMPTY;
  let policy = policies.get(key);
  if (policy === undefined) policies.set(key, policy = new ToolPolicy(key));
  return policy;
}

/**
 * Opens a run in front of `inner`. `code` (the skill's or snippet's source) is hashed into the
 * audit lines; `skill` is its path as the user wrote it.
 *
 * @example
 * ```ts ignore
 * const run = await openRun(manager, { config, skill: "skills/x.ts", env: Deno.env.toObject() });
 * try { await run.caller.callTool("everything", "echo", { message: "hi" }); }
 * finally { await run.end("ok"); }
 * ```
 */
export async function openRun(
  inner: ToolCaller,
  options: RunCheckpointOptions & {
    config: McpxConfig;
    env: Readonly<Record<string, string | undefined>>;
    skill?: string;
    code?: string | Uint8Array;
  },
): Promise<CheckpointRun> {
  const started = performance.now();
  const governance = options.config.governance;
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const identity: RunIdentity = {
    run: id,
    caller: options.caller ?? "cli",
    ...(options.skill === undefined ? {} : { skill: options.skill }),
    ...(options.code === undefined ? {} : { codeSha256: await sha256(options.code) }),
  };
  const auditConfig = governance?.audit;
  const audit = auditConfig?.enabled === false ? undefined : new AuditLog(
    auditPath(auditConfig, options.env),
    { maxBytes: auditConfig?.maxBytes ?? 10 * 1024 * 1024, keep: auditConfig?.keep ?? 3 },
    (line) => options.onNotice?.(`warning: ${line}\n`),
  );
  const endpoint = tracesEndpoint(governance?.telemetry, options.env);
  const tracer = endpoint === undefined ? undefined : await loadTracer(
    endpoint,
    governance?.telemetry.serviceName ?? "mcpx",
  ).catch((error) => {
    options.onNotice?.(
      `warning: tracing is off for this run: cannot load OpenTelemetry (${
        (error as Error).message
      })\n`,
    );
    return undefined;
  });
  const kind = options.kind ?? "exec";
  const span = tracer?.start("mcpx.run", {
    "mcpx.run_id": id,
    "mcpx.kind": kind,
    "mcpx.caller": identity.caller,
    ...(options.skill === undefined ? {} : { "mcpx.skill": options.skill }),
  });
  const caller = new CheckpointCaller(inner, {
    policy: policyOf(options.config),
    approver: options.approver,
    preApproved: options.approve ?? [],
    ...(options.approveHint === undefined ? {} : { approveHint: options.approveHint }),
    audit,
    auditArguments: auditConfig?.arguments ?? "digest",
    span,
    identity,
  });
  let ended: Promise<void> | undefined;
  return {
    id,
    caller,
    end: (outcome) =>
      ended ??= (async () => {
        const durationMs = Math.round(performance.now() - started);
        audit?.append({
          type: "run",
          time: new Date().toISOString(),
          ...identity,
          kind,
          outcome,
          calls: caller.calls,
          durationMs,
        });
        span?.set({ "mcpx.outcome": outcome, "mcpx.calls": caller.calls });
        span?.end(outcome === "ok" ? undefined : outcome);
        await Promise.all([audit?.flush(), tracer?.flush()]);
      })(),
  };
}
