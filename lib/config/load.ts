/**
 * Finding and loading `mcp_config.json`.
 *
 * Search order: an explicit path (`--config`), `$MCPX_CONFIG`, `<cwd>/mcp_config.json`, then
 * the user config dir (`$XDG_CONFIG_HOME/mcpx/mcp_config.json`, else
 * `~/.config/mcpx/mcp_config.json`). An explicit path or `$MCPX_CONFIG` that does not exist is an
 * error; when nothing is found the config is empty (no servers, default sandbox).
 *
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { CONFIG_FILE_NAME, DEFAULT_SANDBOX } from "./defaults.ts";
import { formatById } from "./formats/mod.ts";
import { displayConfigPath, parseConfig } from "./parse.ts";
import { type AskInput, askInputs, askOnTerminal } from "./inputs.ts";
import { findSources } from "./sources.ts";
import type { McpxConfig, ServerConfig } from "./types.ts";

/** Options of {@linkcode loadConfig} and {@linkcode configCandidates}. */
export interface LoadConfigOptions {
  /** An explicit file (`--config`), relative to `cwd`; it must exist. */
  path?: string;
  /**
   * Directory searched for `mcp_config.json` and that relative paths resolve against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * Environment for `$MCPX_CONFIG`, `$XDG_CONFIG_HOME`, `$HOME` and `${env:VAR}`.
   *
   * @default {Deno.env.toObject()}
   */
  env?: Readonly<Record<string, string>>;
  /**
   * Asks for VS Code `${input:id}` values that have no `MCPX_INPUT_<ID>`.
   *
   * @default {askOnTerminal: a prompt on stderr when stdin and stderr are terminals}
   */
  ask?: (input: {
    readonly id: string;
    readonly description: string;
    readonly password: boolean;
  }) => Promise<string | undefined>;
}

/** One place the loader looks, in order. */
export interface ConfigCandidate {
  /** Absolute path of the file. */
  readonly path: string;
  /** Why it is looked at: `--config`, `$MCPX_CONFIG`, `cwd` or `user`. */
  readonly source: "--config" | "$MCPX_CONFIG" | "cwd" | "user";
  /** Whether a missing file is an error (explicit choices) rather than a reason to go on. */
  readonly required: boolean;
}

/**
 * The files {@linkcode loadConfig} looks at, in order. An explicit path (or `$MCPX_CONFIG`)
 * replaces the search: it is the only candidate.
 *
 * @example
 * ```ts
 * import { configCandidates } from "./load.ts";
 * const list = configCandidates({ cwd: "/p", env: { HOME: "/home/me" } });
 * console.assert(list[0]?.path === "/p/mcp_config.json");
 * console.assert(list[1]?.path === "/home/me/.config/mcpx/mcp_config.json");
 * ```
 */
export function configCandidates(options: LoadConfigOptions = {}): ConfigCandidate[] {
  const cwd = options.cwd ?? Deno.cwd();
  const env = options.env ?? Deno.env.toObject();
  if (options.path !== undefined) {
    return [{ path: resolve(cwd, options.path), source: "--config", required: true }];
  }
  if (env.MCPX_CONFIG) {
    return [{ path: resolve(cwd, env.MCPX_CONFIG), source: "$MCPX_CONFIG", required: true }];
  }
  const candidates: ConfigCandidate[] = [
    { path: join(cwd, CONFIG_FILE_NAME), source: "cwd", required: false },
  ];
  // The XDG spec says a relative $XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  const userDir = xdg && isAbsolute(xdg) ? xdg : env.HOME ? join(env.HOME, ".config") : undefined;
  if (userDir !== undefined) {
    candidates.push({
      path: join(userDir, "mcpx", CONFIG_FILE_NAME),
      source: "user",
      required: false,
    });
  }
  return candidates;
}

async function readIfPresent(candidate: ConfigCandidate, cwd: string): Promise<string | undefined> {
  const shown = displayConfigPath(candidate.path, cwd);
  try {
    return await Deno.readTextFile(candidate.path);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) {
      if (!candidate.required) return undefined;
      const fix = candidate.source === "--config"
        ? "check the path given to --config"
        : "fix or unset $MCPX_CONFIG";
      throw new ConfigError("CONFIG_NOT_FOUND", `${shown}: config file not found (${fix})`, {
        cause,
        data: { path: candidate.path, source: candidate.source },
      });
    }
    const directory = cause instanceof Deno.errors.IsADirectory ||
      (cause instanceof Error && /directory/i.test(cause.message));
    const reason = directory
      ? "is a directory, not a file (point to the mcp_config.json inside it)"
      : `cannot be read: ${
        cause instanceof Error ? cause.message : String(cause)
      } (check its permissions)`;
    throw new ConfigError("CONFIG_INVALID", `${shown}: ${reason}`, {
      cause,
      data: { path: candidate.path, source: candidate.source },
    });
  }
}

/**
 * Finds, reads and validates the config. See the module doc for the search order.
 *
 * @throws {ConfigError} `CONFIG_NOT_FOUND` when an explicit path or `$MCPX_CONFIG` does not
 * exist; `CONFIG_INVALID` when the file cannot be read or is invalid (one line naming the file
 * and the JSON path).
 *
 * @example
 * ```ts
 * import { loadConfig } from "./load.ts";
 * const config = await loadConfig({ cwd: "/nonexistent", env: {} });
 * console.assert(config.path === undefined && Object.keys(config.servers).length === 0);
 * ```
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<McpxConfig> {
  const cwd = options.cwd ?? Deno.cwd();
  const env = options.env ?? Deno.env.toObject();
  for (const candidate of configCandidates({ ...options, cwd, env })) {
    const text = await readIfPresent(candidate, cwd);
    if (text === undefined) continue;
    const ask = options.ask ?? askOnTerminal;
    const inputs = await askInputs(text, { path: candidate.path, env, ask });
    const config = await parseConfig(text, { path: candidate.path, env, cwd, inputs });
    return config.imports === undefined ? config : await withImports(config, cwd, env, ask);
  }
  return {
    path: undefined,
    root: cwd,
    servers: {},
    sandbox: DEFAULT_SANDBOX,
    warnings: await importHints(cwd, env),
  };
}

/**
 * Adds the servers of the clients named in `"imports"` (project files first, then user files).
 * A name already taken keeps its first definition and the other is reported in one line; an
 * imported file that cannot be read is reported and skipped.
 */
async function withImports(
  config: McpxConfig,
  cwd: string,
  env: Readonly<Record<string, string>>,
  ask: AskInput,
): Promise<McpxConfig> {
  const servers: Record<string, ServerConfig> = { ...config.servers };
  const origins: Record<string, string> = {};
  const warnings = [...config.warnings];
  const home = env.HOME ?? env.USERPROFILE ?? "";
  const own = displayConfigPath(config.path!, cwd);
  for (const id of config.imports ?? []) {
    const format = formatById(id)!;
    for (const location of format.locations({ cwd, home, env })) {
      let text: string;
      try {
        text = await Deno.readTextFile(location.path);
      } catch {
        continue;
      }
      const shown = displayConfigPath(location.path, cwd);
      let imported: McpxConfig;
      try {
        const inputs = await askInputs(text, { path: location.path, env, format: id, ask });
        imported = await parseConfig(text, { path: location.path, env, cwd, format: id, inputs });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        warnings.push(`${own}: imports: ${message}; its servers are skipped`);
        continue;
      }
      warnings.push(...imported.warnings);
      for (const [name, server] of Object.entries(imported.servers)) {
        if (servers[name] !== undefined) {
          const first = origins[name] ?? own;
          warnings.push(
            `${shown}: server "${name}" is also defined in ${first}; using the one in ${first} ` +
              `(rename one of them to keep both)`,
          );
          continue;
        }
        servers[name] = server;
        origins[name] = shown;
      }
    }
  }
  return { ...config, servers, origins, warnings };
}

/** When mcpx has no config but other clients do: one line saying how to use theirs. */
async function importHints(cwd: string, env: Readonly<Record<string, string>>) {
  const sources = (await findSources({ cwd, env })).filter((source) =>
    source.format.id !== "mcpx" && source.servers.length > 0
  );
  if (sources.length === 0) return [];
  const first = sources.find((source) => source.location.scope === "project") ?? sources[0]!;
  const clients = [...new Set(sources.map((source) => source.format.client))];
  return [
    `no mcp_config.json found, but ${sources.length} config file(s) of ${clients.join(", ")} ` +
    `exist: run "mcpx config import ${first.format.id}" to use ` +
    `${displayConfigPath(first.location.path, cwd)}, or "mcpx config --sources" to see them all`,
  ];
}
