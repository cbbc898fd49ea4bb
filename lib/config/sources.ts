/**
 * Discovery: every client config on this machine and in this project (the locations of each
 * format in `formats/`), what each holds, and which file mcpx itself uses.
 *
 * @module
 */
import { McpxError } from "../errors.ts";
import { type ConfigFormat, type FormatLocation, FORMATS } from "./formats/mod.ts";
import { parseConfig } from "./parse.ts";

/** One config file found on disk. */
export interface ConfigSource {
  /** The client whose file it is. */
  readonly format: ConfigFormat;
  /** Where it is, and whether it is a project or a user file. */
  readonly location: FormatLocation;
  /** Server names in the file, with the one-line reason for those that cannot be used. */
  readonly servers: readonly { name: string; unavailable?: string }[];
  /** The one-line reason the file cannot be read, if it cannot. */
  readonly error?: string;
}

/** Options of {@linkcode findSources}. */
export interface FindSourcesOptions {
  /** The project folder. @default {Deno.cwd()} */
  cwd?: string;
  /** The environment (`$HOME`, `$XDG_CONFIG_HOME`, `$CODEX_HOME`, variables of the files). */
  env?: Readonly<Record<string, string>>;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Reads one client file into a {@linkcode ConfigSource} (never throws for a bad file). */
export async function readSource(
  format: ConfigFormat,
  location: FormatLocation,
  options: { cwd: string; env: Readonly<Record<string, string>> },
): Promise<ConfigSource> {
  try {
    const text = await Deno.readTextFile(location.path);
    const config = await parseConfig(text, { path: location.path, ...options, format: format.id });
    const servers = Object.values(config.servers).map((server) => ({
      name: server.name,
      ...(server.unavailable === undefined ? {} : { unavailable: server.unavailable }),
    }));
    return { format, location, servers };
  } catch (error) {
    const message = error instanceof McpxError ? error.message : String(error);
    return { format, location, servers: [], error: message };
  }
}

/**
 * Every client config that exists, format by format (mcpx's own first), project files before
 * user files. Reading never fails: a broken file is listed with its error.
 *
 * @example
 * ```ts
 * import { findSources } from "./sources.ts";
 * const sources = await findSources({ cwd: "/nonexistent", env: { HOME: "/nonexistent" } });
 * console.assert(sources.length === 0);
 * ```
 */
export async function findSources(options: FindSourcesOptions = {}): Promise<ConfigSource[]> {
  const cwd = options.cwd ?? Deno.cwd();
  const env = options.env ?? Deno.env.toObject();
  const home = env.HOME ?? env.USERPROFILE ?? "";
  const found: ConfigSource[] = [];
  const seen = new Set<string>();
  for (const format of FORMATS) {
    for (const location of format.locations({ cwd, home, env })) {
      // With the project in the home folder, a project file may also be a user file.
      if (seen.has(location.path) || !await exists(location.path)) continue;
      seen.add(location.path);
      found.push(await readSource(format, location, { cwd, env }));
    }
  }
  return found;
}
