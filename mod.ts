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
  SandboxConfig,
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
