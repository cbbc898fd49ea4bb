/**
 * Variable references in config values.
 *
 * Syntax:
 * - `${env:NAME}` and `${NAME}`: the variable's value; an unset variable is an error.
 * - `${env:NAME:-fallback}`, `${NAME:-fallback}`: the value, or `fallback` when unset or empty.
 * - `${input:id}`: a VS Code input, from `MCPX_INPUT_<ID>` or a prompt (see `inputs.ts`).
 * - `${configDir}`, `${userHome}`, `${workspaceFolder}`, `${workspaceFolderBasename}`,
 *   `${pathSeparator}` and `${/}`: named values supplied by the loader (named values win over
 *   environment variables of the same name).
 * - `$${`: a literal `${` (so `$${env:HOME}` stays `${env:HOME}`).
 *
 * Anything else (a lone `$`, `$HOME`, `${not a name}`) is kept as written.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

const PATTERN =
  /\$\$\{|\$\{(?:input:([\w.-]+)|(?:env:)?([A-Za-z_][A-Za-z0-9_]*)|(\/))(?::-([^}]*))?\}/g;

/** What references resolve against. */
export interface Variables {
  /** Environment variables. */
  readonly env: Readonly<Record<string, string>>;
  /** Named values such as `configDir`, `userHome`, `workspaceFolder`. */
  readonly named?: Readonly<Record<string, string>>;
  /** Values of VS Code `${input:id}` references, by id. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Keep a reference without a value as written instead of throwing (for display only). */
  readonly lenient?: boolean;
}

/** The variable `MCPX_INPUT_<ID>` that gives a value to `${input:id}`. */
export function inputVariable(id: string): string {
  return `MCPX_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

function lookup(map: Readonly<Record<string, string>> | undefined, key: string) {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/**
 * Replaces every reference in `template` (see the module doc).
 *
 * @throws {ConfigError} `CONFIG_INVALID` naming the first reference without a value;
 * `data.variable` (or `data.input`) holds its name.
 *
 * @example
 * ```ts
 * import { interpolate } from "./interpolate.ts";
 * const path = interpolate("${workspaceFolder}/db", { env: {}, named: { workspaceFolder: "/p" } });
 * console.assert(path === "/p/db");
 * ```
 */
export function interpolate(template: string, vars: Variables): string {
  if (!template.includes("$")) return template;
  return template.replace(
    PATTERN,
    (match, input?: string, name?: string, slash?: string, fallback?: string) => {
      if (match === "$${") return "${";
      if (slash !== undefined) return "/";
      if (input !== undefined) {
        const value = lookup(vars.inputs, input) ?? lookup(vars.env, inputVariable(input));
        if (value !== undefined) return value;
        if (fallback !== undefined) return fallback;
        if (vars.lenient) return match;
        throw new ConfigError(
          "CONFIG_INVALID",
          `input "${input}" has no value (set ${inputVariable(input)}, or run mcpx on a ` +
            `terminal to be asked)`,
          { data: { input, variable: inputVariable(input) } },
        );
      }
      const value = lookup(vars.named, name!) ?? lookup(vars.env, name!);
      if (fallback !== undefined) return value === undefined || value === "" ? fallback : value;
      if (value === undefined) {
        if (vars.lenient) return match;
        throw new ConfigError(
          "CONFIG_INVALID",
          `environment variable ${name} is not set (export it, or write \${env:${name}:-default})`,
          { data: { variable: name } },
        );
      }
      return value;
    },
  );
}

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
  return interpolate(template, { env });
}
