/**
 * Loads the configuration through `lib/config/`. Kept in one place so that the manager does not
 * care which module of `lib/config/` exports `loadConfig`.
 *
 * @module
 */
import type { McpxConfig } from "../config/types.ts";

/** The options `loadConfig` accepts. */
export interface LoadConfigOptions {
  /** An explicit config path (`--config`). */
  path?: string;
  /** The directory to search from. */
  cwd?: string;
  /** The environment used for `${env:VAR}` and `$MCPX_CONFIG`. */
  env?: Record<string, string>;
}

type LoadConfig = (options?: LoadConfigOptions) => Promise<McpxConfig>;

/** Loads and validates `mcp_config.json` with `lib/config/`'s `loadConfig`. */
export async function loadMcpxConfig(options: LoadConfigOptions): Promise<McpxConfig> {
  // Not a literal specifier while lib/config/load.ts is written in parallel.
  const specifier = "../config/load.ts";
  const module = await import(specifier) as { loadConfig: LoadConfig };
  return await module.loadConfig(options);
}
