/**
 * What `mcpx config` prints: the file used (or where it looked), the sandbox settings and the
 * resolved servers with secrets masked, as text or as JSON.
 *
 * @module
 */
import type { ConfigCandidate } from "./load.ts";
import { maskSecrets } from "./mask.ts";
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

function serverLines(server: ServerConfig): string[] {
  const shown = maskSecrets(server);
  const flags = [shown.disabled ? "disabled" : "", `timeout ${shown.timeoutMs / 1000} s`];
  if (shown.normalize !== "none") {
    const n = shown.normalize;
    flags.push(`normalize ${typeof n === "string" ? n : "map"}`);
  }
  if (shown.type === "stdio") {
    return [
      `  ${shown.name}  stdio  ${flags.filter(Boolean).join(", ")}`,
      `    command:  ${[shown.command, ...shown.args].map(shellWord).join(" ")}`,
      `    cwd:      ${shown.cwd}`,
      ...mapLines("env", shown.env, "="),
    ];
  }
  const type = shown.fallbackToSse ? "http (falls back to sse)" : shown.type;
  return [
    `  ${shown.name}  ${type}  ${flags.filter(Boolean).join(", ")}`,
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
    : [`config file: ${config.path}`];
  const servers = Object.values(config.servers);
  const serverPart = servers.length === 0
    ? ["servers: none"]
    : [`servers (${servers.length}):`, ...servers.flatMap(serverLines)];
  return [...head, `root: ${config.root}`, "", ...sandboxLines(config.sandbox), "", ...serverPart]
    .join("\n") + "\n";
}
