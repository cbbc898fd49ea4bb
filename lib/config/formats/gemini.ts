/**
 * Gemini CLI's `settings.json` (`~/.gemini/settings.json`, `<project>/.gemini/settings.json`):
 * `mcpServers` with `command`/`args`/`env`/`cwd`, `url` (SSE) or `httpUrl` (streamable HTTP),
 * `headers`, `timeout` in **milliseconds**, and `$VAR` or `${VAR}` in values.
 * Source: https://geminicli.com/docs/tools/mcp-server/
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigFormat, endsWith, mapStrings, objectOf, translateMap } from "./_format.ts";

/** `$NAME` (Gemini's short form) becomes `${NAME}`. */
function braced(text: string): string {
  return text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, "$${$1}");
}

/** Gemini CLI. */
export const gemini: ConfigFormat = {
  id: "gemini",
  client: "Gemini CLI",
  docs: ["https://geminicli.com/docs/tools/mcp-server/"],
  syntax: "json",
  locations: ({ cwd, home }) => [
    { path: join(cwd, ".gemini", "settings.json"), scope: "project" },
    { path: join(home, ".gemini", "settings.json"), scope: "user" },
  ],
  detect: (path, raw) => {
    if (endsWith(path, ".gemini", "settings.json")) return 3;
    const servers = Object.values(objectOf(objectOf(raw)?.mcpServers) ?? {});
    return servers.some((entry) => objectOf(entry)?.httpUrl !== undefined) ? 2 : 0;
  },
  translate: (raw) => ({
    servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"], (written) => {
      const { httpUrl, url, timeout, ...rest } = mapStrings(written, braced) as Record<
        string,
        unknown
      >;
      const keys: Record<string, string> = {};
      const entry: Record<string, unknown> = { ...rest };
      if (httpUrl !== undefined) [entry.type, entry.url, keys.url] = ["http", httpUrl, "httpUrl"];
      else if (url !== undefined) [entry.type, entry.url] = ["sse", url];
      // Gemini's timeout is in milliseconds; mcpx's is in seconds.
      if (timeout !== undefined) {
        entry.timeout = typeof timeout === "number" ? timeout / 1000 : timeout;
      }
      return { entry, keys };
    }),
  }),
};
