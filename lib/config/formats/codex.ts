/**
 * Codex's `config.toml` (`$CODEX_HOME/config.toml`, default `~/.codex/config.toml`, and a trusted
 * project's `.codex/config.toml`): `[mcp_servers.<name>]` tables with `command`, `args`, `env`,
 * `env_vars` (names forwarded from the environment), `cwd`, or `url`, `bearer_token_env_var`,
 * `http_headers`, `env_http_headers`; `tool_timeout_sec`, `enabled`. Codex does not expand
 * `${…}` in values, so mcpx keeps them as written.
 * Source: https://github.com/openai/codex/blob/main/docs/config.md#mcp_servers
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigFormat, endsWith, literal, objectOf, translateMap } from "./_format.ts";

function envReferences(map: unknown): Record<string, string> | undefined {
  const object = objectOf(map);
  if (object === undefined) return undefined;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, `\${env:${String(v)}}`]));
}

function translate(written: Record<string, unknown>) {
  const entry = literal(written) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys: Record<string, string> = {};
  for (const key of ["command", "args", "cwd", "url"]) {
    if (entry[key] !== undefined) out[key] = entry[key];
  }
  const env: Record<string, unknown> = {};
  if (Array.isArray(written.env_vars)) {
    for (const name of written.env_vars) env[String(name)] = `\${env:${String(name)}:-}`;
  }
  Object.assign(env, objectOf(entry.env) ?? {});
  if (Object.keys(env).length > 0 || entry.env !== undefined) {
    out.env = entry.env !== undefined && objectOf(entry.env) === undefined ? entry.env : env;
  }
  const headers: Record<string, unknown> = {
    ...objectOf(entry.http_headers),
    ...envReferences(written.env_http_headers),
  };
  if (typeof written.bearer_token_env_var === "string") {
    headers.Authorization = `Bearer \${env:${written.bearer_token_env_var}}`;
  }
  if (Object.keys(headers).length > 0) [out.headers, keys.headers] = [headers, "http_headers"];
  if (entry.tool_timeout_sec !== undefined) {
    [out.timeout, keys.timeout] = [entry.tool_timeout_sec, "tool_timeout_sec"];
  }
  if (entry.enabled === false) out.disabled = true;
  if (out.url !== undefined) out.type = "http";
  return { entry: out, keys };
}

/** Codex. */
export const codex: ConfigFormat = {
  id: "codex",
  client: "Codex",
  docs: ["https://github.com/openai/codex/blob/main/docs/config.md#mcp_servers"],
  syntax: "toml",
  locations: ({ cwd, home, env }) => [
    { path: join(cwd, ".codex", "config.toml"), scope: "project" },
    { path: join(env.CODEX_HOME || join(home, ".codex"), "config.toml"), scope: "user" },
  ],
  detect: (path) => path.endsWith(".toml") ? (endsWith(path, ".codex", "config.toml") ? 3 : 2) : 0,
  translate: (raw) => ({
    servers: translateMap(objectOf(raw)?.mcp_servers, ["mcp_servers"], translate),
  }),
};
