/**
 * `${env:VAR}` interpolation for `mcp_config.json` values.
 *
 * Syntax:
 * - `${env:NAME}`: the variable's value; an unset variable is an error.
 * - `${env:NAME:-fallback}`: the value, or `fallback` when unset or empty (as in POSIX shells).
 * - `${NAME}` and `${NAME:-fallback}`: the same, as Claude Code writes them.
 * - `$${`: a literal `${` (so `$${env:HOME}` stays `${env:HOME}`).
 * - `${configDir}`: the absolute folder of the config file (supplied by `parseConfig`), for
 *   servers that resolve relative paths against their own install folder.
 *
 * Anything else (a lone `$`, `$HOME`, `${not a name}`) is kept as written.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

const PATTERN = /\$\$\{|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${env:NAME}` references in `template` with values from `env`.
 *
 * @throws {ConfigError} `CONFIG_INVALID` naming the first variable that is not set and has no
 * fallback; `data.variable` holds its name.
 *
 * @example
 * ```ts
 * import { interpolateEnv } from "./interpolate.ts";
 * const url = interpolateEnv("${env:HOST:-127.0.0.1}:${env:PORT}", { PORT: "3000" });
 * console.assert(url === "127.0.0.1:3000");
 * ```
 */
export function interpolateEnv(template: string, env: Readonly<Record<string, string>>): string {
  if (!template.includes("$")) return template;
  return template.replace(PATTERN, (match, name: string | undefined, fallback?: string) => {
    if (match === "$${") return "${";
    const value = Object.hasOwn(env, name!) ? env[name!] : undefined;
    if (fallback !== undefined) return value === undefined || value === "" ? fallback : value;
    if (value === undefined) {
      throw new ConfigError(
        "CONFIG_INVALID",
        `environment variable ${name} is not set (export it, or write \${env:${name}:-default})`,
        { data: { variable: name } },
      );
    }
    return value;
  });
}
