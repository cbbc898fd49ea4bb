/**
 * `mcpx config import <client>`: makes another client's servers mcpx's. By default the file gets
 * `"imports": ["<client>"]`, so the client's files are read live (edits there show up here);
 * with `copy` the entries are translated into mcpx's own format and written into `mcpServers`.
 * The target file keeps its comments and formatting (edits go through jsonc-parser).
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { dirname } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { ConfigError, UsageError } from "../errors.ts";
import { parseJsonc } from "./_syntax.ts";
import {
  type ConfigFormat,
  detectFormat,
  formatById,
  FORMATS,
  type TranslatedServer,
} from "./formats/mod.ts";
import { mapStrings, objectOf } from "./formats/_format.ts";
import { displayConfigPath } from "./parse.ts";
import { IGNORED_SERVER_KEYS, SERVER_KEYS } from "./server_schema.ts";
import { parseSyntax } from "./_syntax.ts";

/** Options of {@linkcode importClient}. */
export interface ImportOptions {
  /** The mcp_config.json to write (created when missing). */
  target: string;
  /** The project folder. */
  cwd: string;
  /** The environment (`$HOME` …). */
  env: Readonly<Record<string, string>>;
  /** Copy the entries instead of adding the client to `"imports"`. @default false */
  copy?: boolean;
  /** Replace same-named servers that differ. @default false */
  force?: boolean;
}

/** What an import did. */
export interface ImportResult {
  /** The file written. */
  readonly target: string;
  /** The client's files read. */
  readonly sources: readonly string[];
  /** Servers added (copied, or now imported live). */
  readonly added: readonly string[];
  /** Servers already present and identical (copy) or already imported. */
  readonly unchanged: readonly string[];
  /** Servers replaced with `force`. */
  readonly replaced: readonly string[];
  /** Servers of the client that stay shadowed by an mcpx entry of the same name (live). */
  readonly shadowed: readonly string[];
}

const NAMED =
  /\$\{(userHome|workspaceFolder|workspaceFolderBasename|pathSeparator|configDir|\/)\}/g;
const KEPT = new Set<string>([...SERVER_KEYS, ...IGNORED_SERVER_KEYS]);

/** An entry in mcpx's format: only keys mcpx reads, file-relative values made absolute. */
function portable(server: TranslatedServer, named: Record<string, string>): unknown {
  const entry = objectOf(server.entry) ?? {};
  const kept = Object.fromEntries(Object.entries(entry).filter(([key]) => KEPT.has(key)));
  return mapStrings(kept, (text) => text.replace(NAMED, (_, name: string) => named[name] ?? "/"));
}

async function clientEntries(format: ConfigFormat, options: ImportOptions) {
  const home = options.env.HOME ?? options.env.USERPROFILE ?? "";
  const entries = new Map<string, unknown>();
  const sources: string[] = [];
  const locations = format.locations({ cwd: options.cwd, home, env: options.env });
  for (const location of locations) {
    let text: string;
    try {
      text = await Deno.readTextFile(location.path);
    } catch {
      continue;
    }
    const file = displayConfigPath(location.path, options.cwd);
    sources.push(file);
    const raw = await parseSyntax(text, format.syntax, file);
    const translation = format.translate(raw, {
      path: location.path,
      project: options.cwd,
      home,
    });
    const named = { configDir: dirname(location.path), ...translation.named };
    for (const server of translation.servers) {
      if (!entries.has(server.name)) entries.set(server.name, portable(server, named));
    }
  }
  if (sources.length === 0) {
    const looked = locations.map((l) => displayConfigPath(l.path, options.cwd)).join(", ");
    throw new ConfigError(
      "CONFIG_NOT_FOUND",
      `no ${format.client} config found (looked at ${looked}); nothing to import`,
    );
  }
  return { entries, sources };
}

const FORMATTING = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } };

/**
 * Imports `client`'s servers into `options.target` (see the module doc).
 *
 * @throws {UsageError} for an unknown client. {@linkcode ConfigError} when the client has no
 * config, or (when copying) a same-named server differs and `force` is not set: then nothing is
 * written.
 */
export async function importClient(client: string, options: ImportOptions): Promise<ImportResult> {
  const format = formatById(client);
  if (format === undefined || format.id === "mcpx") {
    const ids = FORMATS.filter((f) => f.id !== "mcpx").map((f) => f.id);
    throw new UsageError(
      `mcpx config import: unknown client "${client}" (use one of: ${ids.join(", ")})`,
    );
  }
  const { entries, sources } = await clientEntries(format, options);
  const shown = displayConfigPath(options.target, options.cwd);
  let text: string;
  try {
    text = await Deno.readTextFile(options.target);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    text = '{\n  "mcpServers": {}\n}\n';
  }
  const original = text;
  const parsed = await parseJsonc(text, shown);
  const targetFormat = detectFormat(options.target, parsed);
  if (targetFormat.id !== "mcpx") {
    throw new UsageError(
      `mcpx config import: ${shown} is a ${targetFormat.client} file; import writes mcpx's own ` +
        `mcp_config.json (leave out --config, or point it at an mcp_config.json)`,
    );
  }
  const raw = objectOf(parsed) ?? {};
  const existing = objectOf(raw.mcpServers) ?? {};
  const added: string[] = [];
  const unchanged: string[] = [];
  const replaced: string[] = [];
  const shadowed: string[] = [];
  if (!options.copy) {
    const imports = Array.isArray(raw.imports) ? raw.imports.map(String) : [];
    for (const name of entries.keys()) {
      if (Object.hasOwn(existing, name)) shadowed.push(name);
      else if (imports.includes(format.id)) unchanged.push(name);
      else added.push(name);
    }
    if (!imports.includes(format.id)) {
      text = applyEdits(text, modify(text, ["imports"], [...imports, format.id], FORMATTING));
    }
  } else {
    const conflicts = [...entries].filter(([name, entry]) =>
      Object.hasOwn(existing, name) && !isDeepStrictEqual(existing[name], entry)
    ).map(([name]) => name);
    if (conflicts.length > 0 && !options.force) {
      throw new ConfigError(
        "CONFIG_INVALID",
        `${shown}: mcpServers already has a different ${
          conflicts.map((n) => `"${n}"`).join(", ")
        } than ${format.client}'s ${sources.join(", ")}; nothing written (rerun with --force to ` +
          `replace, or rename one)`,
        { data: { conflicts } },
      );
    }
    for (const [name, entry] of entries) {
      if (Object.hasOwn(existing, name) && isDeepStrictEqual(existing[name], entry)) {
        unchanged.push(name);
        continue;
      }
      (Object.hasOwn(existing, name) ? replaced : added).push(name);
      text = applyEdits(text, modify(text, ["mcpServers", name], entry, FORMATTING));
    }
  }
  if (text !== original) await Deno.writeTextFile(options.target, text);
  return { target: options.target, sources, added, unchanged, replaced, shadowed };
}
