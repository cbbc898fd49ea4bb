/**
 * mcpx's own `mcp_config.json`: the `mcpServers` map (Claude Desktop's shape) plus `sandbox`.
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigFormat, endsWith, objectOf, translateMap } from "./_format.ts";

/** mcpx's own format. */
export const mcpx: ConfigFormat = {
  id: "mcpx",
  client: "mcpx",
  docs: ["docs/config.md"],
  syntax: "json",
  locations: ({ cwd, home, env }) => [
    { path: join(cwd, "mcp_config.json"), scope: "project" },
    {
      path: join(env.XDG_CONFIG_HOME || join(home, ".config"), "mcpx", "mcp_config.json"),
      scope: "user",
    },
  ],
  detect: (path, raw) => {
    const file = objectOf(raw);
    if (file?.sandbox !== undefined) return 3;
    if (!endsWith(path, "mcp_config.json") || endsWith(path, "windsurf", "mcp_config.json")) {
      return 0;
    }
    // Another client's content under mcpx's file name: let that client's detector claim it.
    const entries = Object.values(objectOf(file?.mcpServers) ?? {}).map(objectOf);
    const foreign = file?.mcpServers === undefined &&
        (file?.servers !== undefined || file?.mcp !== undefined) ||
      entries.some((entry) => entry?.serverUrl !== undefined || entry?.httpUrl !== undefined);
    return foreign ? 1 : 3;
  },
  translate: (raw) => ({ servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"]) }),
};
