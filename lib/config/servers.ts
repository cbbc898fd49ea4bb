/**
 * Resolving the server entries of one file, each on its own: an entry whose only problem is an
 * unset variable (or a VS Code input without a value, or a missing `envFile`) becomes an
 * *unavailable* server that fails with that one line when used; every other problem fails the
 * file. Names are checked, and a name defined twice is reported naming both places.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { formatJsonPath } from "./_describe.ts";
import { DEFAULT_SERVER_TIMEOUT_SECONDS } from "./defaults.ts";
import type { TranslatedServer } from "./formats/mod.ts";
import type { Variables } from "./interpolate.ts";
import { serverNameProblem } from "./schema.ts";
import { type ServerEntry, serverEntrySchema, UNRESOLVED } from "./server_schema.ts";
import type { ServerConfig } from "./types.ts";

/** The outcome of {@linkcode resolveServers}. */
export interface ResolvedServers {
  /** Servers by name, in file order (unavailable ones included, with `unavailable` set). */
  readonly servers: Record<string, ServerConfig>;
  /** Problems that fail the file, one line each. */
  readonly errors: string[];
  /** Non-fatal findings, one line each. */
  readonly warnings: string[];
}

function resolveEntry(name: string, entry: ServerEntry, root: string): ServerConfig {
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

/** Parses a dotenv file: `NAME=value` lines, `export ` prefixes, quotes, `#` comments. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match === null) continue;
    let value = match[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted !== null) {
      value = quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, "\n") : quoted[2]!;
    } else value = value.replace(/\s+#.*$/, "");
    values[match[1]!] = value;
  }
  return values;
}

/** Reads `envFile` into the entry's `env` (explicit `env` wins); a problem is one line. */
function withEnvFile(server: ServerConfig, envFile: string, root: string): ServerConfig | string {
  if (server.type !== "stdio") return server;
  const path = isAbsolute(envFile) ? envFile : resolve(root, envFile);
  try {
    return { ...server, env: { ...parseDotenv(Deno.readTextFileSync(path)), ...server.env } };
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "not found" : String(error);
    return `cannot read envFile ${path}: ${reason} (create it, or fix or remove "envFile")`;
  }
}

/** `mcpServers.web.args[1]` with the key names the file used. */
function where(server: TranslatedServer, path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  const key = typeof first === "string" ? server.keys?.[first] ?? first : first;
  return formatJsonPath([...server.path, ...(key === undefined ? [] : [key]), ...rest]);
}

/**
 * Validates and resolves `servers` (already translated to mcpx's entry shape) from `file`.
 * Pure apart from reading `envFile`s.
 */
export function resolveServers(
  servers: readonly TranslatedServer[],
  context: { file: string; root: string; vars: Variables },
): ResolvedServers {
  const { file, root, vars } = context;
  const result: ResolvedServers = { servers: {}, errors: [], warnings: [] };
  const seen = new Map<string, TranslatedServer>();
  for (const server of servers) {
    const nameProblem = serverNameProblem(server.name);
    if (nameProblem !== undefined) {
      result.errors.push(`${file}: ${formatJsonPath(server.path)}: ${nameProblem}`);
      continue;
    }
    const first = seen.get(server.name);
    if (first !== undefined) {
      result.warnings.push(
        `${file}: ${formatJsonPath(server.path)}: server "${server.name}" is also defined at ` +
          `${formatJsonPath(first.path)}; using that one (rename one of them to keep both)`,
      );
      continue;
    }
    seen.set(server.name, server);
    const parsed = serverEntrySchema(vars).safeParse(server.entry);
    if (parsed.success) {
      let resolved = resolveEntry(server.name, parsed.data, root);
      if (parsed.data.envFile !== undefined) {
        const loaded = withEnvFile(resolved, parsed.data.envFile, root);
        resolved = typeof loaded === "string"
          ? { ...resolved, unavailable: `${file}: ${where(server, ["envFile"])}: ${loaded}` }
          : loaded;
      }
      result.servers[server.name] = resolved;
      continue;
    }
    const issues = parsed.error.issues;
    const lines = issues.map((issue) => {
      const at = where(server, issue.path);
      return `${file}: ${at === "" ? "" : `${at}: `}${issue.message}`;
    });
    const unresolvedOnly = issues.every((issue) =>
      issue.code === "custom" && (issue.params as Record<string, unknown> | undefined)?.[UNRESOLVED]
    );
    const lenient = unresolvedOnly
      ? serverEntrySchema({ ...vars, lenient: true }).safeParse(server.entry)
      : undefined;
    if (lenient?.success) {
      const shown = resolveEntry(server.name, lenient.data, root);
      result.servers[server.name] = { ...shown, unavailable: lines[0]! };
    } else result.errors.push(...lines);
  }
  return result;
}
