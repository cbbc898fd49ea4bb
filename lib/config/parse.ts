/**
 * Turns the text of a config file (mcpx's `mcp_config.json` or any client format in
 * `formats/`) into a resolved {@linkcode McpxConfig}: syntax, validation, translation,
 * interpolation, type inference, defaults, and one-line errors naming the file and the path.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { formatJsonPath } from "./_describe.ts";
import { parseSyntax } from "./_syntax.ts";
import { unknownKeyWarnings } from "./_warnings.ts";
import { DEFAULT_SANDBOX } from "./defaults.ts";
import { detectFormat, formatById, FORMATS, syntaxOf } from "./formats/mod.ts";
import { ServerMapError } from "./formats/_format.ts";
import type { SandboxEntry } from "./sandbox_schema.ts";
import { configFileSchema } from "./schema.ts";
import { resolveGovernance } from "./policy_schema.ts";
import { type PrivacyEntry, resolvePrivacy } from "./privacy_schema.ts";
import { resolveServe, type ServeEntry } from "./serve_schema.ts";
import { type DaemonEntry, resolveDaemon } from "./daemon_schema.ts";
import type { ServerEntry } from "./server_schema.ts";
import { resolveServers } from "./servers.ts";
import type { McpxConfig, SandboxConfig, ServerConfig } from "./types.ts";

/** What the checkpoint's rules are read from: the whole file in mcpx's own format; in another
 * client's file only its `mcpServers` map (Claude-style `disabledTools` / `allowedTools`). */
function governanceSource(format: string, raw: unknown): unknown {
  if (format === "mcpx") return raw;
  const servers = (raw as { mcpServers?: unknown } | null)?.mcpServers;
  return typeof servers === "object" && servers !== null ? { mcpServers: servers } : {};
}

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** Path of the file the text came from (absolute, or relative to `cwd`). */
  path: string;
  /** Variables for `${env:VAR}` interpolation (and `$HOME`, `MCPX_INPUT_<ID>`). */
  env: Readonly<Record<string, string>>;
  /**
   * Directory that relative paths (and the path shown in messages) are relative to; also the
   * project of `${workspaceFolder}` for user-level client files.
   *
   * @default {Deno.cwd() (the file's folder when `path` is absolute)}
   */
  cwd?: string;
  /** The file's format id (see `formats/mod.ts`). @default detected from the name and content */
  format?: string;
  /** Values of VS Code `${input:id}` references, by id (else `MCPX_INPUT_<ID>`). */
  inputs?: Readonly<Record<string, string>>;
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

function resolveSandbox(entry: SandboxEntry | undefined): SandboxConfig {
  const s = entry ?? {};
  const d = DEFAULT_SANDBOX;
  const maxTimeout = s.max_timeout ?? s.maxTimeout ?? d.maxTimeoutSeconds;
  return {
    tier: s.tier ?? (s.enabled === true ? "podman" : d.tier),
    allowTrusted: s.allow_trusted ?? s.allowTrusted ?? d.allowTrusted,
    image: s.image ?? d.image,
    ociRuntime: s.runtime === "podman" || s.runtime === "auto" || s.runtime === undefined
      ? d.ociRuntime
      : s.runtime,
    requireOsIsolation: s.require_os_isolation ?? s.requireOsIsolation ?? d.requireOsIsolation,
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
function transportWarnings(server: ServerConfig, entry: Record<string, unknown>, file: string) {
  const unused = server.type === "stdio" ? ["headers"] : ["args", "env", "cwd"];
  return unused.filter((key) => entry[key as keyof ServerEntry] !== undefined).map((key) =>
    `${file}: ${formatJsonPath(["mcpServers", server.name, key])}: not used by ${
      server.type === "stdio" ? "a stdio" : `an HTTP (${server.type})`
    } server, ignored`
  );
}

function fail(lines: string[], cause?: unknown): never {
  const more = lines.length > 1 ? ` [and ${lines.length - 1} more problem(s)]` : "";
  throw new ConfigError("CONFIG_INVALID", `${lines[0]}${more}`, { cause, data: { issues: lines } });
}

/**
 * Parses and validates the text of a config file of any known format. Pure apart from path
 * arithmetic and reading `envFile`s: it reads no other file and no environment beyond
 * `options.env`.
 *
 * An entry whose only problem is an unset variable is kept with `unavailable` set to the
 * one-line reason; any other problem fails the whole file.
 *
 * @throws {ConfigError} `CONFIG_INVALID` with one line `<file>: <json path>: <problem> (<fix>)`;
 * `data.issues` lists every problem found when there are several.
 *
 * @example
 * ```ts
 * import { parseConfig } from "./parse.ts";
 * const config = await parseConfig('{"mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}}}', {
 *   path: "/project/mcp_config.json",
 *   env: {},
 * });
 * console.assert(config.servers.git?.type === "stdio");
 * console.assert(config.root === "/project");
 * ```
 */
export async function parseConfig(
  text: string,
  options: ParseConfigOptions,
): Promise<McpxConfig> {
  // Deno.cwd() needs read permission; only ask for it when the path is relative.
  const cwd = options.cwd ?? (isAbsolute(options.path) ? dirname(options.path) : Deno.cwd());
  const path = resolve(cwd, options.path);
  const file = displayConfigPath(path, cwd);
  const chosen = options.format === undefined ? undefined : formatById(options.format);
  const raw = await parseSyntax(text, chosen?.syntax ?? syntaxOf(path), file);
  const format = chosen ?? detectFormat(path, raw);
  let sandbox: SandboxEntry | undefined;
  let serveEntry: ServeEntry | undefined;
  let privacyEntry: PrivacyEntry | undefined;
  let daemonEntry: DaemonEntry | undefined;
  let imports: string[] | undefined;
  const warnings: string[] = [];
  if (format.id === "mcpx") {
    const ids = FORMATS.filter((f) => f.id !== "mcpx").map((f) => f.id);
    const result = configFileSchema(ids).safeParse(raw);
    if (!result.success) {
      fail(
        result.error.issues.map((issue) => {
          const at = formatJsonPath(issue.path);
          return `${file}: ${at === "" ? "" : `${at}: `}${issue.message}`;
        }),
        result.error,
      );
    }
    sandbox = result.data.sandbox;
    serveEntry = result.data.serve;
    privacyEntry = result.data.privacy;
    daemonEntry = result.data.daemon;
    imports = result.data.imports;
    warnings.push(...unknownKeyWarnings(raw, file));
  } else if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    fail([`${file}: expected a ${format.client} config object, got ${typeof raw}`]);
  }
  const home = options.env.HOME ?? options.env.USERPROFILE ?? "";
  let translation;
  try {
    translation = format.translate(raw, { path, project: cwd, home });
  } catch (error) {
    if (!(error instanceof ServerMapError)) throw error;
    fail([`${file}: ${formatJsonPath(error.path)}: ${error.message}`], error);
  }
  const root = translation.root ?? dirname(path);
  const vars = {
    env: options.env,
    named: { configDir: dirname(path), ...translation.named },
    ...(options.inputs === undefined ? {} : { inputs: options.inputs }),
  };
  const resolved = resolveServers(translation.servers, { file, root, vars });
  if (resolved.errors.length > 0) fail(resolved.errors);
  warnings.push(...resolved.warnings);
  if (format.id === "mcpx") {
    for (const server of translation.servers) {
      const config = resolved.servers[server.name];
      const entry = server.entry as Record<string, unknown>;
      if (config !== undefined) warnings.push(...transportWarnings(config, entry, file));
    }
  }
  const resolvedSandbox = resolveSandbox(sandbox);
  const { privacy, warnings: privacyWarnings } = resolvePrivacy(privacyEntry, file);
  warnings.push(...privacyWarnings);
  return {
    path,
    format: format.id,
    root,
    servers: resolved.servers,
    sandbox: resolvedSandbox,
    serve: resolveServe(serveEntry, {
      sandbox: resolvedSandbox,
      servers: Object.keys(resolved.servers),
      file,
    }),
    governance: resolveGovernance(governanceSource(format.id, raw), file, root),
    privacy,
    daemon: resolveDaemon(daemonEntry),
    warnings,
    ...(imports === undefined ? {} : { imports }),
  };
}
