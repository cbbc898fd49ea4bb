/**
 * Windsurf's `~/.codeium/windsurf/mcp_config.json`: `mcpServers` with `command`/`args`/`env`, or
 * `serverUrl` (or `url`) and `headers` for remote servers; `${env:NAME}` and `${file:path}` in
 * values.
 * Source: https://docs.windsurf.com/windsurf/cascade/mcp
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigFormat, endsWith, objectOf, translateMap } from "./_format.ts";

/** Windsurf. */
export const windsurf: ConfigFormat = {
  id: "windsurf",
  client: "Windsurf",
  docs: ["https://docs.windsurf.com/windsurf/cascade/mcp"],
  syntax: "json",
  locations: ({ home }) => [
    { path: join(home, ".codeium", "windsurf", "mcp_config.json"), scope: "user" },
  ],
  detect: (path, raw) => {
    if (endsWith(path, "windsurf", "mcp_config.json")) return 3;
    const servers = Object.values(objectOf(objectOf(raw)?.mcpServers) ?? {});
    return servers.some((entry) => objectOf(entry)?.serverUrl !== undefined) ? 2 : 0;
  },
  translate: (raw) => ({
    servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"], (entry) => {
      if (entry.serverUrl === undefined) return { entry };
      const { serverUrl, ...rest } = entry;
      return { entry: { ...rest, url: serverUrl }, keys: { url: "serverUrl" } };
    }),
  }),
};
