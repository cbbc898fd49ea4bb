/**
 * What `mcpx config` prints: the file used (or where it looked), the sandbox settings and the
 * resolved servers with secrets masked, as text or as JSON.
 *
 * @module
 */
import type { ConfigCandidate } from "./load.ts";
import { maskSecrets } from "./mask.ts";
import { displayConfigPath } from "./parse.ts";
import type { ConfigSource } from "./sources.ts";
import type { McpxConfig, SandboxConfig, ServerConfig } from "./types.ts";

/** Options of {@linkcode formatConfig} and {@linkcode configReport}. */
export interface FormatConfigOptions {
  /** The places the loader looked, shown when no file was found. */
  candidates: readonly ConfigCandidate[];
}

/** The machine-readable form printed by `mcpx config --json`. */
export interface ConfigReport {
  /** Absolute path of the file used, or `null` when none was found. */
  readonly path: string | null;
  /** Its format (`mcpx`, `cursor`, `vscode` …), or `null`. */
  readonly format: string | null;
  /** Clients read live through `"imports"`. */
  readonly imports: readonly string[];
  /** For servers from imported clients: the file each came from, by name. */
  readonly origins: Readonly<Record<string, string>>;
  /** The project root. */
  readonly root: string;
  /** Every file looked at, in order (the first existing one is used). */
  readonly searched: readonly string[];
  /** The sandbox settings with defaults applied (`image` is `null` for the local rootfs). */
  readonly sandbox: Omit<SandboxConfig, "image"> & { readonly image: string | null };
  /** The servers by name, secrets masked. */
  readonly servers: Readonly<Record<string, ServerConfig>>;
  /** Non-fatal findings, one line each. */
  readonly warnings: readonly string[];
}

/**
 * The JSON report of a loaded config, with secrets masked.
 *
 * @example
 * ```ts
 * import { configReport } from "./format.ts";
 * import { DEFAULT_SANDBOX } from "./defaults.ts";
 * const report = configReport(
 *   { path: undefined, root: "/p", servers: {}, sandbox: DEFAULT_SANDBOX, warnings: [] },
 *   { candidates: [{ path: "/p/mcp_config.json", source: "cwd", required: false }] },
 * );
 * console.assert(report.path === null && report.searched[0] === "/p/mcp_config.json");
 * ```
 */
export function configReport(config: McpxConfig, options: FormatConfigOptions): ConfigReport {
  const servers = Object.fromEntries(
    Object.entries(config.servers).map(([name, server]) => [name, maskSecrets(server)]),
  );
  return {
    path: config.path ?? null,
    format: config.format ?? null,
    imports: config.imports ?? [],
    origins: config.origins ?? {},
    root: config.root,
    searched: options.candidates.map((candidate) => candidate.path),
    sandbox: { ...config.sandbox, image: config.sandbox.image ?? null },
    servers,
    warnings: config.warnings,
  };
}

/** Quotes a word for display the way a POSIX shell would need it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function sizeText(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

function sandboxLines(sandbox: SandboxConfig): string[] {
  return [
    "sandbox:",
    `  tier:          ${sandbox.tier}`,
    `  allow trusted: ${sandbox.allowTrusted ? "yes" : "no"} (for mcpx serve clients)`,
    `  memory limit:  ${sandbox.memoryMb} MiB`,
    `  cpu limit:     ${sandbox.cpus}`,
    `  pids limit:    ${sandbox.pidsLimit}`,
    `  timeout:       ${sandbox.timeoutSeconds} s (max ${sandbox.maxTimeoutSeconds} s)`,
    `  output limit:  ${sizeText(sandbox.outputLimitBytes)} per stream`,
    `  image:         ${sandbox.image ?? "(locally built root filesystem)"}`,
    `  runtime:       ${sandbox.ociRuntime ?? "(crun or runc, whichever works)"}`,
    `  os isolation:  ${
      sandbox.requireOsIsolation
        ? "required (fast tier refuses without bubblewrap)"
        : "when available"
    }`,
  ];
}

function mapLines(label: string, map: Readonly<Record<string, string>>, separator: string) {
  const entries = Object.entries(map);
  return entries.map(([key, value], i) =>
    `    ${(i === 0 ? `${label}:` : "").padEnd(9)} ${key}${separator}${value}`
  );
}

function serverLines(server: ServerConfig, origin: string | undefined): string[] {
  const shown = maskSecrets(server);
  const notes = [
    ...(origin === undefined ? [] : [`    from:     ${origin}`]),
    ...(shown.unavailable === undefined ? [] : [`    unavailable: ${shown.unavailable}`]),
  ];
  const flags = [shown.disabled ? "disabled" : "", `timeout ${shown.timeoutMs / 1000} s`];
  if (shown.normalize !== "none") {
    const n = shown.normalize;
    flags.push(`normalize ${typeof n === "string" ? n : "map"}`);
  }
  if (shown.type === "stdio") {
    return [
      `  ${shown.name}  stdio  ${flags.filter(Boolean).join(", ")}`,
      ...notes,
      `    command:  ${[shown.command, ...shown.args].map(shellWord).join(" ")}`,
      `    cwd:      ${shown.cwd}`,
      ...mapLines("env", shown.env, "="),
    ];
  }
  const type = shown.fallbackToSse ? "http (falls back to sse)" : shown.type;
  return [
    `  ${shown.name}  ${type}  ${flags.filter(Boolean).join(", ")}`,
    ...notes,
    `    url:      ${shown.url}`,
    ...mapLines("headers", shown.headers, ": "),
  ];
}

/**
 * The text `mcpx config` prints (warnings are not included: they go to stderr).
 *
 * @example
 * ```ts
 * import { formatConfig } from "./format.ts";
 * import { DEFAULT_SANDBOX } from "./defaults.ts";
 * const text = formatConfig(
 *   { path: undefined, root: "/p", servers: {}, sandbox: DEFAULT_SANDBOX, warnings: [] },
 *   { candidates: [{ path: "/p/mcp_config.json", source: "cwd", required: false }] },
 * );
 * console.assert(text.startsWith("config file: none found"));
 * ```
 */
export function formatConfig(config: McpxConfig, options: FormatConfigOptions): string {
  const head = config.path === undefined
    ? [
      "config file: none found (using defaults); looked at:",
      ...options.candidates.map((candidate) => `  ${candidate.path}`),
    ]
    : [
      `config file: ${config.path}${
        config.format !== undefined && config.format !== "mcpx" ? ` (${config.format} format)` : ""
      }`,
      ...(config.imports?.length ? [`imports: ${config.imports.join(", ")}`] : []),
    ];
  const servers = Object.values(config.servers);
  const serverPart = servers.length === 0 ? ["servers: none"] : [
    `servers (${servers.length}):`,
    ...servers.flatMap((server) => serverLines(server, config.origins?.[server.name])),
  ];
  const order = config.path === undefined ? [] : [
    `search order: ${
      options.candidates.map((c) => c.path === config.path ? `${c.path} (used)` : c.path).join(", ")
    }`,
  ];
  return [
    ...head,
    `root: ${config.root}`,
    ...order,
    "other clients' configs: mcpx config --sources",
    "",
    ...sandboxLines(config.sandbox),
    "",
    ...serverPart,
  ].join("\n") + "\n";
}

/** The order in which mcpx looks for its config, for `mcpx config --sources`. */
const SEARCH_ORDER = [
  "--config PATH",
  "$MCPX_CONFIG",
  "./mcp_config.json",
  "$XDG_CONFIG_HOME/mcpx/mcp_config.json (else ~/.config/mcpx/mcp_config.json)",
];

/** The machine-readable form printed by `mcpx config --sources --json`. */
export interface SourcesReport {
  /** The file mcpx uses, or `null`. */
  readonly used: string | null;
  /** Every client config found. */
  readonly sources: readonly {
    client: string;
    scope: "project" | "user";
    path: string;
    status: "used" | "imported" | "not read";
    servers: readonly { name: string; unavailable?: string }[];
    error?: string;
  }[];
}

function statusOf(source: ConfigSource, config: McpxConfig): "used" | "imported" | "not read" {
  if (source.location.path === config.path) return "used";
  return config.imports?.includes(source.format.id) ? "imported" : "not read";
}

/** The JSON report of {@linkcode findSources}' result. */
export function sourcesReport(
  sources: readonly ConfigSource[],
  config: McpxConfig,
  cwd: string,
): SourcesReport {
  return {
    used: config.path ?? null,
    sources: sources.map((source) => ({
      client: source.format.id,
      scope: source.location.scope,
      path: displayConfigPath(source.location.path, cwd),
      status: statusOf(source, config),
      servers: source.servers,
      ...(source.error === undefined ? {} : { error: source.error }),
    })),
  };
}

/** The text `mcpx config --sources` prints. */
export function formatSources(
  sources: readonly ConfigSource[],
  config: McpxConfig,
  options: FormatConfigOptions & { cwd: string },
): string {
  const lines = [
    "mcpx reads the first of (other clients' files only when imported):",
    ...SEARCH_ORDER.map((place, i) => `  ${i + 1}. ${place}`),
    `in use: ${config.path ?? "none (defaults)"}`,
    "",
  ];
  if (sources.length === 0) lines.push("no client config found in this project or home folder");
  else lines.push("client configs found:");
  for (const source of sources) {
    const status = statusOf(source, config);
    const hint = status === "not read" ? `  (mcpx config import ${source.format.id})` : "";
    lines.push(
      `  ${source.format.client} [${source.location.scope}] ` +
        `${displayConfigPath(source.location.path, options.cwd)}: ${status}${hint}`,
    );
    if (source.error !== undefined) lines.push(`    error: ${source.error}`);
    for (const server of source.servers) {
      const shadow = status !== "used" && config.servers[server.name] !== undefined &&
        config.origins?.[server.name] === undefined;
      const note = server.unavailable !== undefined
        ? `  (unavailable: ${server.unavailable})`
        : shadow
        ? "  (same name in the config in use)"
        : "";
      lines.push(`    ${server.name}${note}`);
    }
  }
  return lines.join("\n") + "\n";
}
