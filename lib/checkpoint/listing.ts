/**
 * Blocked tools are invisible: every listing (`mcpx tools`, `mcpx generate`'s index and
 * wrappers, serve's `search_tools`) leaves them out, through these helpers.
 *
 * @module
 */
import type { ServerInfo, ToolInfo } from "../client/types.ts";
import type { McpxConfig } from "../config/types.ts";
import { policyOf } from "./run.ts";

/**
 * `tools` of `server` without the ones the config's policy blocks.
 *
 * @example
 * ```ts ignore
 * const shown = visibleTools(config, "memory", await manager.listTools("memory"));
 * ```
 */
export function visibleTools<T extends { readonly name: string }>(
  config: McpxConfig,
  server: string,
  tools: readonly T[],
): T[] {
  const policy = policyOf(config);
  return policy.empty ? [...tools] : tools.filter((tool) => policy.visible(server, tool.name));
}

/** Something that lists servers and tools (the client manager, serve's backend). */
export interface ToolListing {
  /** Lists the configured servers. */
  listServers(): Promise<readonly ServerInfo[]>;
  /** Lists the tools of one server. */
  listTools(server: string): Promise<readonly ToolInfo[]>;
}

/** `inner` with blocked tools left out of `listTools`. */
export function withVisibleTools(inner: ToolListing, config: McpxConfig): ToolListing {
  return {
    listServers: () => inner.listServers(),
    listTools: async (server) => visibleTools(config, server, await inner.listTools(server)),
  };
}
