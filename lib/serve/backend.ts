/**
 * What `mcpx serve` needs from the rest of mcpx, as one small seam: the MCP client manager (for
 * `search_tools` and `list_servers`), the skills catalog, the exec harness, and optionally the
 * code generator (for `search_tools` detail `full`). {@linkcode createDefaultBackend} wires the
 * real parts; tests may wire their own.
 *
 * @module
 */
import type { ServerInfo, ToolInfo } from "../client/types.ts";
import type { PrivacyConfig, SandboxConfig, ServeConfig, Tier } from "../config/types.ts";
import type { RunCheckpointOptions } from "../checkpoint/run.ts";
import type { RunBoundary } from "../privacy/boundary.ts";

/** One skill as listed by `list_skills`. */
export interface SkillListing {
  /** The skill's name (its file name without `.ts`). */
  readonly name: string;
  /** Its one-line purpose, from the USAGE header. */
  readonly purpose: string;
}

/** Lists skills and reads their USAGE headers, without running any skill code. */
export interface SkillCatalog {
  /** Every skill in `<root>/skills`, sorted by name. */
  list(): Promise<readonly SkillListing[]>;
  /** The absolute path of a skill; throws `SkillError` when there is none by that name. */
  resolve(name: string): Promise<string>;
  /** The skill's USAGE header; throws `SkillError` when there is no skill by that name. */
  usage(name: string): Promise<string>;
}

/** One sandboxed run of a skill or plain script. */
export interface RunRequest {
  /** Absolute path of the skill or script. */
  readonly path: string;
  /** Arguments after the path (the skill's own flags). */
  readonly argv: readonly string[];
  /** The skill's arguments as JSON, instead of `argv` (which is then empty). */
  readonly args?: Readonly<Record<string, unknown>> | undefined;
  /** An `execute_code` snippet's source: run as a plain module (then `path` is only its name
   * in messages). */
  readonly code?: string | undefined;
  /** The tier to run in; already checked against `allowTrusted`. */
  readonly tier: Tier;
  /** Wall-clock limit in seconds; `undefined` means the config's default. */
  readonly timeoutSeconds: number | undefined;
  /** For plain scripts: the MCP servers the script may call (`--servers`). */
  readonly servers: readonly string[] | undefined;
  /** Hosts the operator granted to serve runs (`serve.allow_net`): an explicit grant. */
  readonly allowNet: readonly string[];
  /** Aborting kills the run. */
  readonly signal: AbortSignal | undefined;
  /** The MCP session and who approves its calls (elicitation). */
  readonly checkpoint?: RunCheckpointOptions;
  /** The run's boundary (placeholders restored in arguments and tool calls; results metered). */
  readonly boundary?: RunBoundary;
}

/** How a run ended. */
export interface RunOutcome {
  /** Exit status; 124 on timeout. */
  readonly exitCode: number;
  /** Captured standard output (already capped by the harness). */
  readonly stdout: string;
  /** Captured standard error (already capped by the harness). */
  readonly stderr: string;
  /** Wall-clock duration in milliseconds. */
  readonly durationMs: number;
  /** Whether the wall-clock limit killed the run. */
  readonly timedOut: boolean;
}

/** Runs skills and scripts in a sandbox tier (the exec harness). */
export interface SkillRunner {
  /** Runs one skill or script to completion. Never runs `trusted` unless asked by name. */
  run(request: RunRequest): Promise<RunOutcome>;
}

/** Lists servers and their tools (the subset of `ToolCaller` that `mcpx serve` uses). */
export interface ToolLister {
  /** Lists the configured servers (enabled and disabled). */
  listServers(): Promise<readonly ServerInfo[]>;
  /** Lists the tools of one server. */
  listTools(server: string): Promise<readonly ToolInfo[]>;
}

/** Everything `mcpx serve` calls into. */
export interface ServeBackend {
  /** The project root (where `servers/` and `workspace/` live). */
  readonly root: string;
  /** The config's sandbox section: the timeout limit. */
  readonly sandbox: Pick<SandboxConfig, "maxTimeoutSeconds">;
  /** The operator's `serve` section: hosts, default tier, `trusted`, default servers. */
  readonly serve: ServeConfig;
  /** Server and tool listings. */
  readonly tools: ToolLister;
  /** The skills catalog. */
  readonly skills: SkillCatalog;
  /** The exec harness. */
  readonly runner: SkillRunner;
  /**
   * Renders a tool's TypeScript signature for `search_tools` detail `full` (the generated
   * wrapper's). When absent, a compact signature is derived from the tool's input schema.
   */
  readonly renderSignature?: (server: string, tool: ToolInfo) => string;
  /** The `privacy` section; each session gets its own vault when it is enabled. */
  readonly privacy?: PrivacyConfig;
  /** The environment that locates the runs file (`XDG_STATE_HOME`, `HOME`). @default Deno.env */
  readonly env?: Readonly<Record<string, string>>;
  /** Releases what the backend holds (MCP connections). */
  close(): Promise<void>;
}
