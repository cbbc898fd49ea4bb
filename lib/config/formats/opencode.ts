/**
 * opencode's `opencode.json` / `opencode.jsonc` (project root, or `~/.config/opencode/`): an
 * `mcp` map whose entries are `{ "type": "local", "command": ["prog", "arg" …], "environment" }`
 * or `{ "type": "remote", "url", "headers" }`, with `enabled` and `timeout` in milliseconds, and
 * `{env:NAME}` in values.
 * Source: https://opencode.ai/docs/mcp-servers/ and https://opencode.ai/docs/config/
 *
 * @module
 */
import { join } from "node:path";
import {
  type ConfigFormat,
  endsWith,
  literal,
  mapStrings,
  objectOf,
  translateMap,
} from "./_format.ts";

/** `{env:NAME}` and `{file:path}` become mcpx references; any other `${` is kept as written. */
function references(value: unknown): unknown {
  return mapStrings(
    literal(value),
    (text) => text.replace(/(?<!\$)\{(env:[A-Za-z_]\w*|file:[^}]+)\}/g, (_, ref) => `\${${ref}}`),
  );
}

function translate(written: Record<string, unknown>) {
  const entry = references(written) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  if (entry.type === "local") {
    const command = Array.isArray(entry.command) ? entry.command : [entry.command];
    [out.command, out.args] = [command[0], command.slice(1)];
    if (entry.environment !== undefined) [out.env, keys.env] = [entry.environment, "environment"];
  } else if (entry.type === "remote") {
    // opencode tries streamable HTTP, then SSE: mcpx does the same for a url without type.
    [out.url, out.headers] = [entry.url, entry.headers];
  } else {
    out.type = entry.type;
  }
  if (entry.enabled === false) out.disabled = true;
  if (typeof entry.timeout === "number") out.timeout = entry.timeout / 1000;
  return { entry: out, keys };
}

/** opencode. */
export const opencode: ConfigFormat = {
  id: "opencode",
  client: "opencode",
  docs: ["https://opencode.ai/docs/mcp-servers/", "https://opencode.ai/docs/config/"],
  syntax: "json",
  locations: ({ cwd, home, env }) => [
    { path: join(cwd, "opencode.json"), scope: "project" },
    { path: join(cwd, "opencode.jsonc"), scope: "project" },
    {
      path: join(env.XDG_CONFIG_HOME || join(home, ".config"), "opencode", "opencode.json"),
      scope: "user",
    },
    {
      path: join(env.XDG_CONFIG_HOME || join(home, ".config"), "opencode", "opencode.jsonc"),
      scope: "user",
    },
  ],
  detect: (path, raw) =>
    endsWith(path, "opencode.json") || endsWith(path, "opencode.jsonc")
      ? 3
      : objectOf(objectOf(raw)?.mcp) !== undefined && objectOf(raw)?.mcpServers === undefined
      ? 2
      : 0,
  translate: (raw) => ({ servers: translateMap(objectOf(raw)?.mcp, ["mcp"], translate) }),
};
