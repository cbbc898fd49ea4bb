/**
 * mcpx: a Deno-native runtime for MCP code execution. Agents list `skills/`, read one skill's
 * USAGE header and run it in a sandbox; skills call MCP tools through typed wrappers and a bridge
 * to the harness, which holds the MCP connections.
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
  UsageError,
} from "./lib/errors.ts";
export type {
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
export {
  type CallToolOptions,
  type ContentItem,
  type ServerInfo,
  TOOL_CALLER_KEY,
  type ToolCaller,
  type ToolInfo,
  type ToolResult,
} from "./lib/client/types.ts";
export {
  type ManagerState,
  McpClientManager,
  type McpClientManagerOptions,
  type ServerStats,
} from "./lib/client/manager.ts";
export { type RawToolResult, toToolResult } from "./lib/client/result.ts";
export { formatToolResult, summarizeContentItem, toolSummary } from "./lib/client/format.ts";
export {
  type ConfigCandidate,
  configCandidates,
  loadConfig,
  type LoadConfigOptions,
} from "./lib/config/load.ts";
export { parseConfig, type ParseConfigOptions } from "./lib/config/parse.ts";
export { interpolateEnv } from "./lib/config/interpolate.ts";
export { isSecretKey, maskSecrets, maskValue } from "./lib/config/mask.ts";
export { DEFAULT_SANDBOX } from "./lib/config/defaults.ts";
export {
  defineSkill,
  isSkill,
  type PermissionRequest,
  type Skill,
  SKILL_MARK,
  type SkillArgs,
  type SkillArgsSchema,
  type SkillContext,
  type SkillDefinition,
  type SkillPermissions,
} from "./lib/skills/define.ts";
export {
  inspectSkill,
  type InspectSkillOptions,
  type SkillInspection,
} from "./lib/skills/manifest.ts";
export { runSkillModule, type RunSkillOptions } from "./lib/skills/run.ts";
export {
  type ParsedSkillArgv,
  parseSkillArgv,
  type ParseSkillArgvOptions,
} from "./lib/skills/args.ts";
export {
  describeFlags,
  type FlagKind,
  type FlagSpec,
  formatFlagsTable,
} from "./lib/skills/flags.ts";
export {
  type PermissionValue,
  type RequestedPermissions,
  type ResolvedPermissions,
  resolvePermissions,
  type ResolvePermissionsOptions,
} from "./lib/skills/permissions.ts";
export { listSkills, readSkillUsage, type SkillSummary } from "./lib/skills/catalog.ts";
export { extractHeader, type SkillHeader } from "./lib/skills/header.ts";
export { createDefaultBackend, type DefaultBackendOptions } from "./lib/serve/default_backend.ts";
export { type HttpServerHandle, serveHttp, type ServeHttpOptions } from "./lib/serve/http.ts";
export { serveStdio, type ServeStdioOptions } from "./lib/serve/stdio.ts";
export type { McpxServerOptions } from "./lib/serve/server.ts";
export type {
  RunOutcome,
  RunRequest,
  ServeBackend,
  SkillCatalog,
  SkillListing,
  SkillRunner,
  ToolLister,
} from "./lib/serve/backend.ts";
export { listMcpxTools } from "./lib/serve/tools_list.ts";
export { normalizeFields, normalizeToolResult } from "./lib/codegen/normalize.ts";
export {
  type GenerateOptions,
  type GenerateReport,
  generateWrappers,
  type ServerProgress,
} from "./lib/codegen/generate.ts";
export {
  type CallEvent,
  type DiscoverOptions,
  type DiscoverReport,
  type DriftFinding,
  runDiscovery,
  verifyDiscovery,
} from "./lib/codegen/discover.ts";
export {
  type ArgObject,
  type DiscoveryConfig,
  loadDiscoveryConfig,
  parseDiscoveryConfig,
} from "./lib/codegen/discovery_config.ts";
export {
  classifyTool,
  draftDiscoveryConfig,
  type DraftServer,
  synthesizeArguments,
  type ToolSafety,
  trialDraft,
} from "./lib/codegen/draft.ts";
export { inferTypes, type SampleSet } from "./lib/codegen/infer_types.ts";
export { checkValue } from "./lib/codegen/check_value.ts";
export type { JsonSchema } from "./lib/codegen/json_schema.ts";
export { type ExecOptions, type ExecResult, execSkill } from "./lib/harness/exec.ts";
export { type OutputStream, RunBoundary, type RunBoundaryOptions } from "./lib/privacy/boundary.ts";
export { type Restored, Vault, type VaultEntry } from "./lib/privacy/vault.ts";
export type { RunTokens } from "./lib/tokens/run_tokens.ts";
export {
  type DenoFlagOptions,
  deriveDenoFlags,
  type PermissionRequest as SandboxPermissionRequest,
} from "./lib/sandbox/permissions.ts";
export {
  type DeniedRange,
  deriveNetDeny,
  PRIVATE_NETWORKS,
  privateRangeOf,
} from "./lib/sandbox/net_deny.ts";
export { DenoTier } from "./lib/sandbox/deno_tier.ts";
export { TrustedTier } from "./lib/sandbox/trusted_tier.ts";
export { resolveDenoDir, sandboxEnv, type SandboxEnvOptions } from "./lib/sandbox/env.ts";
export { assertNoEscapingLinks, type LinkScanOptions } from "./lib/sandbox/workspace_guard.ts";
export type { SandboxRunOutcome, SandboxRunSpec, SandboxTier } from "./lib/sandbox/tier.ts";
export {
  type BridgeCallRecord,
  type BridgeHost,
  type BridgeHostOptions,
  DEFAULT_MAX_FRAME_BYTES,
  startBridgeHost,
} from "./lib/bridge/host.ts";
export {
  type BridgeGuest,
  type BridgeGuestOptions,
  connectBridge,
  installBridge,
} from "./lib/bridge/guest.ts";
export { callTool, getToolCaller } from "./lib/bridge/runtime.ts";
export { createPodmanTier, type PodmanTierOptions } from "./lib/sandbox/podman_tier.ts";
export {
  type DoctorCheck,
  type DoctorOptions,
  type DoctorReport,
  ensureStrictTierGuarantees,
  runDoctor,
  STRICT_TIER_CHECKS,
} from "./lib/sandbox/doctor.ts";
export {
  defaultRootfsCacheDir,
  ensureRootfs,
  type Rootfs,
  ROOTFS_DENO,
  type RootfsOptions,
  SANDBOX_UID,
} from "./lib/sandbox/rootfs.ts";
