/**
 * Variable references in config values.
 *
 * Syntax:
 * - `${env:NAME}` and `${NAME}`: the variable's value; an unset variable is an error.
 * - `${env:NAME:-fallback}`, `${NAME:-fallback}`: the value, or `fallback` when unset or empty.
 * - `${input:id}`: a VS Code input, from `MCPX_INPUT_<ID>` or a prompt (see `inputs.ts`).
 * - `${file:path}`: the contents of a file (trailing newline removed), relative to `configDir`
 *   (`~/` is the home folder), as Windsurf's `${file:…}` and opencode's `{file:…}` read.
 * - `${configDir}`, `${userHome}`, `${workspaceFolder}`, `${workspaceFolderBasename}`,
 *   `${pathSeparator}` and `${/}`: named values supplied by the loader (named values win over
 *   environment variables of the same name).
 * - `$${`: a literal `${` (so `$${env:HOME}` stays `${env:HOME}`).
 *
 * Anything else (a lone `$`, `$HOME`, `${not a name}`) is kept as written.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";

const PATTERN =
  /\$\$\{|\$\{(?:input:([\w.-]+)|(?:env:)?([A-Za-z_][A-Za-z0-9_]*)|(\/)|file:((?:(?!:-)[^}])+))(?::-([^}]*))?\}/g;

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

function readReferencedFile(
  file: string,
  vars: Variables,
  match: string,
  fallback: string | undefined,
): string {
  const home = lookup(vars.named, "userHome") ?? lookup(vars.env, "HOME") ?? "";
  const base = lookup(vars.named, "configDir") ?? ".";
  const path = file.startsWith("~/") ? join(home, file.slice(2)) : resolve(base, file);
  try {
    return Deno.readTextFileSync(path).replace(/\r?\n$/, "");
  } catch (error) {
    if (fallback !== undefined) return fallback;
    if (vars.lenient) return match;
    const reason = error instanceof Deno.errors.NotFound ? "not found" : String(error);
    throw new ConfigError(
      "CONFIG_INVALID",
      `cannot read ${path} for \${file:${file}}: ${reason} (create it, or fix the reference)`,
      { data: { file: path } },
    );
  }
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
    (match, input?: string, name?: string, slash?: string, file?: string, fallback?: string) => {
      if (match === "$${") return "${";
      if (slash !== undefined) return "/";
      if (file !== undefined) return readReferencedFile(file, vars, match, fallback);
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
