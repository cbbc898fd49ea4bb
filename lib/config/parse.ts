/**
 * Turns the text of an `mcp_config.json` into a resolved {@linkcode McpxConfig}: validation,
 * `${env:VAR}` interpolation, type inference, defaults, and one-line errors naming the file and
 * the JSON path.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { formatJsonPath } from "./_describe.ts";
import { parseJsonFile } from "./_json.ts";
import { unknownKeyWarnings } from "./_warnings.ts";
import { DEFAULT_SANDBOX, DEFAULT_SERVER_TIMEOUT_SECONDS } from "./defaults.ts";
import type { SandboxEntry } from "./sandbox_schema.ts";
import { configFileSchema } from "./schema.ts";
import { resolveServe } from "./serve_schema.ts";
import { resolveDaemon } from "./daemon_schema.ts";
import type { ServerEntry } from "./server_schema.ts";
import type { McpxConfig, SandboxConfig, ServerConfig } from "./types.ts";

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** Path of the file the text came from (absolute, or relative to `cwd`). */
  path: string;
  /** Variables for `${env:VAR}` interpolation. */
  env: Readonly<Record<string, string>>;
  /**
   * Directory that relative paths (and the path shown in messages) are relative to.
   *
   * @default {Deno.cwd() (the file's folder when `path` is absolute)}
   */
  cwd?: string;
}

/**
 * How a file's path is shown in messages: relative to `cwd` when the file is inside it, else
 * absolute.
 *
 * @example
 * ```ts
 * import { displayConfigPath } from "./parse.ts";
 * console.assert(displayConfigPath("/p/mcp_config.json", "/p") === "mcp_config.json");
 * ```
 */
export function displayConfigPath(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  const inside = rel !== "" && !isAbsolute(rel) && !rel.startsWith("..");
  return inside ? rel : absolute;
}

function resolveServer(name: string, entry: ServerEntry, root: string): ServerConfig {
  const type = entry.type ?? entry.transportType;
  const base = {
    name,
    disabled: entry.disabled ?? false,
    timeoutMs: Math.round((entry.timeout ?? DEFAULT_SERVER_TIMEOUT_SECONDS) * 1000),
    normalize: entry.normalize ?? "none",
    ...(entry.keepAlive === undefined ? {} : { keepAliveSeconds: entry.keepAlive }),
    ...(entry.serialize === undefined ? {} : { serialize: entry.serialize }),
  };
  if (entry.command !== undefined) {
    return {
      ...base,
      type: "stdio",
      command: entry.command,
      args: entry.args ?? [],
      env: entry.env ?? {},
      cwd: resolve(root, entry.cwd ?? "."),
    };
  }
  return {
    ...base,
    type: type === "sse" ? "sse" : "http",
    url: entry.url!,
    headers: entry.headers ?? {},
    fallbackToSse: type === undefined,
    ...(entry.oauth !== undefined || entry.auth === "oauth"
      ? {
        oauth: {
          clientId: entry.oauth?.clientId,
          clientSecret: entry.oauth?.clientSecret,
          scopes: entry.oauth?.scopes,
          redirectPort: entry.oauth?.redirectPort,
        },
      }
      : {}),
  };
}

function resolveSandbox(entry: SandboxEntry | undefined): SandboxConfig {
  const s = entry ?? {};
  const d = DEFAULT_SANDBOX;
  const maxTimeout = s.max_timeout ?? s.maxTimeout ?? d.maxTimeoutSeconds;
  return {
    tier: s.tier ?? (s.enabled === true ? "podman" : d.tier),
    allowTrusted: s.allow_trusted ?? s.allowTrusted ?? d.allowTrusted,
    image: s.image ?? d.image,
    memoryMb: s.memory_limit ?? s.memoryLimit ?? d.memoryMb,
    cpus: s.cpu_limit ?? s.cpuLimit ?? d.cpus,
    pidsLimit: s.pids_limit ?? s.pidsLimit ?? d.pidsLimit,
    // A max_timeout below the default timeout lowers the default rather than contradicting it.
    timeoutSeconds: s.timeout ?? Math.min(d.timeoutSeconds, maxTimeout),
    maxTimeoutSeconds: maxTimeout,
    outputLimitBytes: s.output_limit ?? s.outputLimit ?? d.outputLimitBytes,
  };
}

/** Server-level keys that do not apply to the entry's transport. */
function transportWarnings(name: string, server: ServerConfig, entry: ServerEntry, file: string) {
  const unused = server.type === "stdio" ? ["headers"] : ["args", "env", "cwd"];
  return unused.filter((key) => entry[key as keyof ServerEntry] !== undefined).map((key) =>
    `${file}: ${formatJsonPath(["mcpServers", name, key])}: not used by ${
      server.type === "stdio" ? "a stdio" : `an HTTP (${server.type})`
    } server, ignored`
  );
}

/**
 * Parses and validates the text of a config file. Pure apart from path arithmetic: it reads no
 * file and no environment beyond `options.env`.
 *
 * @throws {ConfigError} `CONFIG_INVALID` with one line `<file>: <json path>: <problem> (<fix>)`;
 * `data.issues` lists every problem found when there are several.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./parse.ts";
 * const config = parseConfig('{"mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}}}', {
 *   path: "/project/mcp_config.json",
 *   env: {},
 * });
 * console.assert(config.servers.git?.type === "stdio");
 * console.assert(config.root === "/project");
 * ```
 */
export function parseConfig(text: string, options: ParseConfigOptions): McpxConfig {
  // Deno.cwd() needs read permission; only ask for it when the path is relative.
  const cwd = options.cwd ?? (isAbsolute(options.path) ? dirname(options.path) : Deno.cwd());
  const path = resolve(cwd, options.path);
  const file = displayConfigPath(path, cwd);
  const raw = parseJsonFile(text, file);
  // `${configDir}` is the config file's folder, for servers that need absolute paths.
  const env = { ...options.env, configDir: dirname(path) };
  const result = configFileSchema(env).safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = formatJsonPath(issue.path);
      return `${file}: ${where === "" ? "" : `${where}: `}${issue.message}`;
    });
    const more = lines.length > 1 ? ` [and ${lines.length - 1} more problem(s)]` : "";
    throw new ConfigError("CONFIG_INVALID", `${lines[0]}${more}`, {
      cause: result.error,
      data: { issues: lines },
    });
  }
  const root = dirname(path);
  const warnings = unknownKeyWarnings(raw, file);
  const servers: Record<string, ServerConfig> = {};
  for (const [name, entry] of Object.entries(result.data.mcpServers ?? {})) {
    const server = resolveServer(name, entry, root);
    servers[name] = server;
    warnings.push(...transportWarnings(name, server, entry, file));
  }
  const sandbox = resolveSandbox(result.data.sandbox);
  const serve = resolveServe(result.data.serve, { sandbox, servers: Object.keys(servers), file });
  return {
    path,
    root,
    servers,
    sandbox,
    serve,
    daemon: resolveDaemon(result.data.daemon),
    warnings,
  };
}
