/**
 * mcpx: a Deno-native runtime for MCP code execution. Agents list `skills/`, read one skill's
 * USAGE header and run it in a sandbox; skills call MCP tools through typed wrappers and a bridge
 * to the harness, which holds the MCP connections.
 *
 * This module is the library surface people may depend on: calling MCP tools
 * ({@linkcode McpClientManager}), loading a config ({@linkcode loadConfig}), writing skills
 * ({@linkcode defineSkill}) and running them in a sandbox ({@linkcode execSkill}), with the
 * types those signatures use. Serving and code generation are reached through the `mcpx` command
 * (`mcpx serve`, `mcpx generate`); everything else under `lib/` is internal and may change
 * without notice.
 *
 * @example
 * ```ts
 * import { McpxError } from "./mod.ts";
 * const err = new McpxError("UNKNOWN_SERVER", "Unknown server");
 * console.assert(err.code === "UNKNOWN_SERVER");
 * ```
 *
 * @module
 */
export {
  BridgeError,
  ClientError,
  ConfigError,
  type ErrorCode,
  McpxError,
  type McpxErrorOptions,
  SandboxError,
  SkillError,
  ToolError,
} from "./lib/errors.ts";
export type {
  DaemonConfig,
  HttpServerConfig,
  McpxConfig,
  NormalizeStrategy,
  OAuthSettings,
  PrivacyConfig,
  SandboxConfig,
  ServeConfig,
  ServerConfig,
  ServerConfigBase,
  StdioServerConfig,
  Tier,
} from "./lib/config/types.ts";
export { loadConfig, type LoadConfigOptions } from "./lib/config/load.ts";
export type {
  CallToolOptions,
  ContentItem,
  ServerInfo,
  ToolCaller,
  ToolInfo,
  ToolResult,
} from "./lib/client/types.ts";
export {
  type ManagerState,
  McpClientManager,
  type McpClientManagerOptions,
  type ServerStats,
} from "./lib/client/manager.ts";
export type { ServerProbe } from "./lib/client/manager.ts";
export type {
  GetPromptResult,
  PromptArgumentInfo,
  PromptInfo,
  PromptMessage,
  ReadResourceResult,
  RequestOptions,
  ResourceContents,
  ResourceInfo,
  ResourceReader,
  ResourceTemplateInfo,
} from "./lib/client/resource_types.ts";
export {
  defineSkill,
  type PermissionRequest,
  type Skill,
  SKILL_MARK,
  type SkillArgs,
  type SkillArgsSchema,
  type SkillContext,
  type SkillDefinition,
  type SkillPermissions,
} from "./lib/skills/define.ts";
export { type ExecOptions, type ExecResult, execSkill } from "./lib/harness/exec.ts";
export { TIER_NAMES } from "./lib/sandbox/registry.ts";
export type { RunCheckpointOptions } from "./lib/checkpoint/run.ts";
export type {
  AuditArguments,
  AuditConfig,
  GovernanceConfig,
  PolicyDecision,
  PolicyRule,
  TelemetryConfig,
} from "./lib/config/policy_schema.ts";
export type { Approver } from "./lib/checkpoint/approval.ts";
export type { ApprovalRequest } from "./lib/checkpoint/approval.ts";
export type { OutputStream, RunBoundary, RunBoundaryOptions } from "./lib/privacy/boundary.ts";
export type { Restored, Vault, VaultEntry } from "./lib/privacy/vault.ts";
export type { RunTokens } from "./lib/tokens/run_tokens.ts";
export type { Counted, RunTokenizer } from "./lib/tokens/tokenizer.ts";
