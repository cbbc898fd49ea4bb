/**
 * Claude Desktop's `claude_desktop_config.json`: `mcpServers` with `command`, `args`, `env`.
 * Source: https://modelcontextprotocol.io/quickstart/user (Claude Desktop section).
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigFormat, endsWith, objectOf, translateMap } from "./_format.ts";

/** Claude Desktop. */
export const claudeDesktop: ConfigFormat = {
  id: "claude-desktop",
  client: "Claude Desktop",
  docs: ["https://modelcontextprotocol.io/quickstart/user"],
  syntax: "json",
  locations: ({ home, env }) => [
    {
      path: join(
        env.XDG_CONFIG_HOME || join(home, ".config"),
        "Claude",
        "claude_desktop_config.json",
      ),
      scope: "user",
    },
    {
      path: join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json"),
      scope: "user",
    },
    ...(env.APPDATA
      ? [{
        path: join(env.APPDATA, "Claude", "claude_desktop_config.json"),
        scope: "user" as const,
      }]
      : []),
  ],
  detect: (path) => endsWith(path, "claude_desktop_config.json") ? 3 : 0,
  translate: (raw) => ({ servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"]) }),
};
