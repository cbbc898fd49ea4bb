/**
 * The contract of one client's config format: where the client keeps its files, how to recognise
 * one, and how to translate its server entries into mcpx's own entry shape (`mcpServers.<name>`
 * of `mcp_config.json`), which is then validated and resolved like any other.
 *
 * @module
 */
import type { Syntax } from "../_syntax.ts";

/** Where a client keeps a config file. */
export interface FormatLocation {
  /** Absolute path. */
  readonly path: string;
  /** `project` files live in the project folder; `user` files in the home folder. */
  readonly scope: "project" | "user";
}

/** What locations are computed from. */
export interface LocationContext {
  /** The user's home folder. */
  readonly home: string;
  /** The project folder (the current directory). */
  readonly cwd: string;
  /** The environment (`$XDG_CONFIG_HOME`, `$APPDATA`, `$CODEX_HOME` …). */
  readonly env: Readonly<Record<string, string>>;
}

/** One server entry translated into mcpx's vocabulary, with where it came from. */
export interface TranslatedServer {
  /** The server's name. */
  readonly name: string;
  /** An entry in mcpx's shape (`command`, `args`, `env`, `url`, `headers`, `timeout` in s …). */
  readonly entry: unknown;
  /** The JSON path of the entry in the file, for messages. */
  readonly path: readonly PropertyKey[];
  /** mcpx key -> the key the file used, where they differ (`url` -> `serverUrl`). */
  readonly keys?: Readonly<Record<string, string>>;
}

/** What a file's servers translate to. */
export interface Translation {
  /** The servers, in file order. */
  readonly servers: readonly TranslatedServer[];
  /** The project root the servers belong to (default: the file's folder). */
  readonly root?: string;
  /** Named values for `${…}` references (`workspaceFolder` …), on top of `configDir`. */
  readonly named?: Readonly<Record<string, string>>;
  /** VS Code `inputs`: ids and descriptions, for prompting. */
  readonly inputs?: readonly InputSpec[];
  /** Problems that are not fatal, one line each (without the file prefix). */
  readonly warnings?: readonly string[];
  /** A structural problem: the file is not of this format (one line, without the file prefix). */
  readonly error?: string;
}

/** A VS Code `inputs` entry. */
export interface InputSpec {
  /** The id used in `${input:id}`. */
  readonly id: string;
  /** What to ask. */
  readonly description: string;
  /** Whether to hide what is typed. */
  readonly password: boolean;
}

/** What translation may use. */
export interface TranslateContext {
  /** Absolute path of the file. */
  readonly path: string;
  /** The project folder the file belongs to (for `${workspaceFolder}`). */
  readonly project: string;
  /** The user's home folder (for `${userHome}`). */
  readonly home: string;
}

/** One client's format. Adding a client means adding one file like this to `formats/`. */
export interface ConfigFormat {
  /** The id used on the command line (`mcpx config import cursor`). */
  readonly id: string;
  /** The client's name, for people. */
  readonly client: string;
  /** The documents the format is read from (cited in docs/config.md). */
  readonly docs: readonly string[];
  /** The file syntax. */
  readonly syntax: Syntax;
  /** Where the client keeps its files, project files first. */
  locations(context: LocationContext): FormatLocation[];
  /** How sure this format is about a file (0 = not this format). Name first, then content. */
  detect(path: string, raw: unknown): number;
  /** Translates the servers of a parsed file. */
  translate(raw: unknown, context: TranslateContext): Translation;
}

/** `value` when it is a plain object, else `undefined`. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** A server map that is not a map: caught by the parser and reported with the file's name. */
export class ServerMapError extends Error {
  /** Where the map is. */
  readonly path: readonly PropertyKey[];
  /** @param path where the map is; @param message what is wrong, with the fix. */
  constructor(path: readonly PropertyKey[], message: string) {
    super(message);
    this.path = path;
  }
}

/**
 * Translates the entries of a `{ name: entry }` map found at `path`, through `each` (which
 * returns the entry in mcpx's shape and any renamed keys).
 *
 * @throws {ServerMapError} when `map` is present but not an object.
 */
export function translateMap(
  map: unknown,
  path: readonly PropertyKey[],
  each: (entry: Record<string, unknown>) => { entry: unknown; keys?: Record<string, string> } = (
    entry,
  ) => ({ entry }),
): TranslatedServer[] {
  const servers = objectOf(map);
  if (servers === undefined && map !== undefined) {
    throw new ServerMapError(
      path,
      `expected an object mapping server names to entries, got ${
        Array.isArray(map) ? "an array" : typeof map
      } (write "${String(path.at(-1))}": { "<name>": { … } })`,
    );
  }
  if (servers === undefined) return [];
  return Object.entries(servers).map(([name, value]) => {
    const entry = objectOf(value);
    if (entry === undefined) return { name, entry: value, path: [...path, name] };
    const translated = each(entry);
    return { name, path: [...path, name], ...translated };
  });
}

/** Whether `path` ends with the given segments (`.vscode`, `mcp.json`). */
export function endsWith(path: string, ...segments: string[]): boolean {
  return path.replaceAll("\\", "/").endsWith(`/${segments.join("/")}`);
}

/** Escapes `${` so that a value from a client without `${…}` syntax is kept as written. */
export function literal(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("${", () => "$${");
  if (Array.isArray(value)) return value.map(literal);
  const object = objectOf(value);
  if (object === undefined) return value;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, literal(v)]));
}

/** Rewrites every string inside `value` with `rewrite`. */
export function mapStrings(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === "string") return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, rewrite));
  const object = objectOf(value);
  if (object === undefined) return value;
  return Object.fromEntries(
    Object.entries(object).map(([k, v]) => [k, mapStrings(v, rewrite)]),
  );
}
