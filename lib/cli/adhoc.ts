/**
 * Ad-hoc servers: one MCP server given on the command line instead of in `mcp_config.json`
 * (`--stdio "cmd args"`, `--http-url URL`, `--sse-url URL`), for `call`, `tools`, `resources`,
 * `prompts`, `servers --status` and `exec`. It is added to the loaded configuration in memory,
 * named by `--name` or after its command or host, and works without any config file.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { DEFAULT_SERVER_TIMEOUT_SECONDS } from "../config/defaults.ts";
import type { McpxConfig, ServerConfig } from "../config/types.ts";
import { UsageError } from "../errors.ts";
import { type CommandIo, loadCommandConfig } from "./command.ts";

/** The options that describe an ad-hoc server; spread into a command's options. */
export const ADHOC_OPTIONS = {
  stdio: { type: "string" },
  "http-url": { type: "string" },
  "sse-url": { type: "string" },
  name: { type: "string" },
  env: { type: "string", multiple: true },
  cwd: { type: "string" },
  header: { type: "string", multiple: true },
} as const;

/** The help lines for {@linkcode ADHOC_OPTIONS}. */
export const ADHOC_HELP = `
Ad-hoc server (instead of a configured one; no config file needed):
  --stdio "CMD ARGS"  start this command as a stdio MCP server (quotes group words)
  --env K=V           environment for the --stdio server (repeatable)
  --cwd DIR           working directory of the --stdio server
  --http-url URL      a streamable HTTP server
  --sse-url URL       an HTTP+SSE server
  --header K=V        request header for --http-url/--sse-url (repeatable)
  --name NAME         its name in messages (default: derived from the command or host)`;

/** The parsed values of {@linkcode ADHOC_OPTIONS}. */
export interface AdhocValues {
  stdio?: string | undefined;
  "http-url"?: string | undefined;
  "sse-url"?: string | undefined;
  name?: string | undefined;
  env?: string[] | undefined;
  cwd?: string | undefined;
  header?: string[] | undefined;
}

/**
 * Splits a command line into words the way a POSIX shell does for plain words, single and
 * double quotes and backslashes (no expansion of any kind).
 *
 * @example
 * ```ts
 * import { splitCommandLine } from "./adhoc.ts";
 * const words = splitCommandLine(`npx -y "my server" 'a b' c\\ d`);
 * console.assert(JSON.stringify(words) === '["npx","-y","my server","a b","c d"]');
 * ```
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const next = line[i + 1];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && (next === '"' || next === "\\")) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && next !== undefined) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) {
    throw new UsageError(`--stdio: unterminated ${quote} quote in "${line}"; close the quote.`);
  }
  if (inWord) words.push(word);
  return words;
}

/** Launchers whose first non-option argument names the real server (`npx -y pkg`). */
const LAUNCHERS = new Set([
  "npx",
  "bunx",
  "pnpx",
  "uvx",
  "deno",
  "node",
  "bun",
  "python",
  "python3",
  "uv",
  "docker",
  "pipx",
]);
/** Subcommands of launchers that come before the package (`deno run`, `uv run`, `docker run`). */
const LAUNCHER_VERBS = new Set(["run", "x", "exec", "tool"]);

function cleanName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "adhoc";
}

/** A package-like word (`npm:@scope/pkg@1.2`, `@scope/pkg`, `./dir/server.ts`) to its name. */
function packageName(word: string): string {
  let name = word.replace(/^(npm|jsr|pypi):/, "");
  name = name.replace(/^(@[^/]+\/)/, ""); // scope
  name = name.replace(/@[^/]*$/, ""); // version
  name = basename(name).replace(/\.(m?[jt]s|py)$/, "");
  return name;
}

/**
 * The name of an ad-hoc stdio server: the package or script a launcher runs
 * (`npx -y @modelcontextprotocol/server-everything` gives `server-everything`), else the
 * command's base name.
 *
 * @example
 * ```ts
 * import { nameFromCommand } from "./adhoc.ts";
 * console.assert(nameFromCommand(["deno", "run", "-A", "npm:@scope/srv@1.0"]) === "srv");
 * console.assert(nameFromCommand(["/usr/bin/my-server", "--flag"]) === "my-server");
 * ```
 */
export function nameFromCommand(words: readonly string[]): string {
  const command = basename(words[0] ?? "adhoc");
  if (LAUNCHERS.has(command) || /^(deno|node|python3?)$/.test(command)) {
    const rest = words.slice(1);
    const target = rest.find((w, i) => !w.startsWith("-") && !(i === 0 && LAUNCHER_VERBS.has(w)));
    if (target !== undefined) return cleanName(packageName(target));
  }
  return cleanName(command.replace(/\.(m?[jt]s|py|exe)$/, ""));
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"]);

/**
 * The name of an ad-hoc HTTP server: its host without `www.`/`mcp.`/`api.` and the top-level
 * domain (`https://mcp.linear.app/sse` gives `linear`), or `localhost-PORT` for loopback.
 *
 * @example
 * ```ts
 * import { nameFromUrl } from "./adhoc.ts";
 * console.assert(nameFromUrl(new URL("https://mcp.linear.app/sse")) === "linear");
 * console.assert(nameFromUrl(new URL("http://127.0.0.1:3001/mcp")) === "localhost-3001");
 * ```
 */
export function nameFromUrl(url: URL): string {
  if (LOOPBACK.has(url.hostname)) return `localhost${url.port ? `-${url.port}` : ""}`;
  const labels = url.hostname.split(".");
  if (labels.length > 1) labels.pop();
  while (labels.length > 1 && ["www", "mcp", "api"].includes(labels[0]!)) labels.shift();
  return cleanName(labels.join("-"));
}

function pairs(words: readonly string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words ?? []) {
    const at = word.indexOf("=");
    if (at <= 0) {
      throw new UsageError(`${option} expects KEY=VALUE, got "${word}".`);
    }
    out[word.slice(0, at)] = word.slice(at + 1);
  }
  return out;
}

function parseUrl(text: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option} needs an absolute http(s) URL, got "${text}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${option} needs an http:// or https:// URL, got "${text}".`);
  }
  return url;
}

/**
 * The ad-hoc server the options describe, or `undefined` when none is given. Throws a
 * `UsageError` for contradictory or malformed options.
 */
export function adhocServer(
  values: AdhocValues,
  io: Pick<CommandIo, "cwd">,
): ServerConfig | undefined {
  const given = (["stdio", "http-url", "sse-url"] as const).filter((k) => values[k] !== undefined);
  const stdioOnly = (["env", "cwd"] as const).filter((k) => values[k] !== undefined);
  const httpOnly = values.header !== undefined ? ["header"] : [];
  if (given.length === 0) {
    const stray = [...stdioOnly, ...httpOnly, ...(values.name !== undefined ? ["name"] : [])];
    if (stray.length > 0) {
      throw new UsageError(
        `--${stray[0]} describes an ad-hoc server; add --stdio "CMD ARGS", --http-url URL or ` +
          "--sse-url URL.",
      );
    }
    return undefined;
  }
  if (given.length > 1) {
    throw new UsageError(`Give one ad-hoc server: --${given[0]} or --${given[1]}, not both.`);
  }
  const base = {
    disabled: false,
    timeoutMs: DEFAULT_SERVER_TIMEOUT_SECONDS * 1000,
    normalize: "none" as const,
  };
  if (values.stdio !== undefined) {
    if (httpOnly.length > 0) {
      throw new UsageError("--header is for --http-url/--sse-url; use --env for a --stdio server.");
    }
    const words = splitCommandLine(values.stdio);
    if (words.length === 0) {
      throw new UsageError('--stdio needs a command, e.g. --stdio "npx -y my-mcp-server".');
    }
    return {
      ...base,
      name: checkName(values.name ?? nameFromCommand(words)),
      type: "stdio",
      command: words[0]!,
      args: words.slice(1),
      env: pairs(values.env, "--env"),
      cwd: resolve(io.cwd, values.cwd ?? "."),
    };
  }
  if (stdioOnly.length > 0) {
    throw new UsageError(`--${stdioOnly[0]} is for --stdio servers, not for an HTTP URL.`);
  }
  const option = values["http-url"] !== undefined ? "--http-url" : "--sse-url";
  const url = parseUrl((values["http-url"] ?? values["sse-url"])!, option);
  return {
    ...base,
    name: checkName(values.name ?? nameFromUrl(url)),
    type: option === "--http-url" ? "http" : "sse",
    url: url.href,
    headers: pairs(values.header, "--header"),
    fallbackToSse: false,
  };
}

function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || name.includes("__")) {
    throw new UsageError(
      `--name must be letters, digits, ".", "_" or "-" (no "__"), got "${name}".`,
    );
  }
  return name;
}

/** `config` with `server` added (in memory only); refuses a name the config already uses. */
export function withAdhocServer(config: McpxConfig, server: ServerConfig): McpxConfig {
  if (config.servers[server.name] !== undefined) {
    throw new UsageError(
      `The ad-hoc server's name "${server.name}" is already configured in ` +
        `${config.path ?? "mcp_config.json"}; pass --name OTHER.`,
    );
  }
  return { ...config, servers: { ...config.servers, [server.name]: server } };
}

/** Describes an ad-hoc server in one phrase for messages: `ad-hoc server "x" (npx -y x)`. */
export function describeAdhoc(server: ServerConfig): string {
  const target = server.type === "stdio" ? [server.command, ...server.args].join(" ") : server.url;
  return `ad-hoc server "${server.name}" (${target})`;
}

/** The configuration a command runs with, plus the ad-hoc server when one was given. */
export interface CommandServers {
  /** The loaded configuration, with the ad-hoc server added. */
  readonly config: McpxConfig;
  /** The ad-hoc server, when the command line gave one. */
  readonly adhoc: ServerConfig | undefined;
}

/** Loads the command's configuration (like `loadCommandConfig`) and adds the ad-hoc server. */
export async function loadCommandServers(
  values: AdhocValues & { config?: string | undefined },
  io: Pick<CommandIo, "cwd" | "env" | "err">,
): Promise<CommandServers> {
  const adhoc = adhocServer(values, io);
  const config = await loadCommandConfig(values, io);
  return { config: adhoc === undefined ? config : withAdhocServer(config, adhoc), adhoc };
}

/**
 * Takes the server name from the front of `positionals`: with an ad-hoc server the name is
 * optional (given, it must be the ad-hoc server's), without one it is required.
 */
export function takeServer(
  positionals: string[],
  adhoc: ServerConfig | undefined,
  command: string,
): string {
  if (adhoc !== undefined) {
    if (positionals[0] === adhoc.name) positionals.shift();
    return adhoc.name;
  }
  const server = positionals.shift();
  if (server === undefined) {
    throw new UsageError(
      `mcpx ${command} needs a server name (run "mcpx servers" to list them) or an ad-hoc ` +
        `server (--stdio "CMD ARGS", --http-url URL). Run "mcpx ${command} --help".`,
    );
  }
  return server;
}
