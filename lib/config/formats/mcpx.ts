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
  detect: (path, raw) =>
    endsWith(path, "mcp_config.json") && !endsWith(path, "windsurf", "mcp_config.json")
      ? 3
      : objectOf(raw)?.sandbox !== undefined
      ? 2
      : 0,
  translate: (raw) => ({ servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"]) }),
};
