/**
 * `discovery_config.json`: which tools `mcpx discover` may call, with sample arguments.
 *
 * ```json
 * { "servers": { "everything": { "safeTools": {
 *   "echo": { "message": "hi" },
 *   "get-sum": [{ "a": 1, "b": 2 }, { "a": -1.5, "b": 0 }]
 * } } } }
 * ```
 *
 * A tool maps to one argument object or a list of them (one call each). The reference system's
 * flat form `{ "server__tool": { …args } }` is accepted too.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** File name looked for beside `mcp_config.json`. */
export const DISCOVERY_CONFIG_FILE = "discovery_config.json";

/** The parsed file: server -> tool -> the argument objects to call it with. */
export interface DiscoveryConfig {
  /** Tools to call per server, each with one or more argument objects. */
  readonly servers: Readonly<Record<string, Readonly<Record<string, readonly ArgObject[]>>>>;
}

/** One call's arguments. */
export type ArgObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(file: string, path: string, message: string): never {
  throw new ConfigError(
    "CONFIG_INVALID",
    `${file}: ${path}: ${message}. Fix the entry, or run "mcpx discover --draft --force" to ` +
      "write a new draft.",
  );
}

function argList(file: string, path: string, value: unknown): ArgObject[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(file, path, "expected at least one argument object, got []");
  return list.map((item, i) => {
    if (!isObject(item)) {
      fail(file, Array.isArray(value) ? `${path}[${i}]` : path, "expected an object of arguments");
    }
    return item;
  });
}

/**
 * Validates the parsed JSON of a discovery config; errors name `file` and the JSON path.
 *
 * @example
 * ```ts
 * import { parseDiscoveryConfig } from "./discovery_config.ts";
 * const config = parseDiscoveryConfig({ "everything__echo": { message: "hi" } });
 * console.assert(config.servers.everything?.echo?.[0]?.message === "hi");
 * ```
 */
export function parseDiscoveryConfig(
  json: unknown,
  file = DISCOVERY_CONFIG_FILE,
): DiscoveryConfig {
  if (!isObject(json)) fail(file, "$", "expected an object");
  const servers: Record<string, Record<string, ArgObject[]>> = {};
  if (!("servers" in json)) {
    for (const [key, value] of Object.entries(json)) {
      const split = key.indexOf("__");
      if (split <= 0) fail(file, `$.${key}`, 'expected "server__tool" or a "servers" section');
      const server = key.slice(0, split);
      (servers[server] ??= {})[key.slice(split + 2)] = argList(file, `$.${key}`, value);
    }
    return { servers };
  }
  if (!isObject(json.servers)) fail(file, "$.servers", "expected an object of servers");
  for (const [server, entry] of Object.entries(json.servers)) {
    const path = `$.servers.${server}`;
    if (!isObject(entry)) fail(file, path, "expected an object with safeTools");
    const safe = entry.safeTools ?? {};
    if (!isObject(safe)) fail(file, `${path}.safeTools`, "expected an object of tool -> arguments");
    servers[server] = {};
    for (const [tool, value] of Object.entries(safe)) {
      (servers[server] as Record<string, ArgObject[]>)[tool] = argList(
        file,
        `${path}.safeTools.${tool}`,
        value,
      );
    }
  }
  return { servers };
}

/** Reads and validates a discovery config file. */
export async function loadDiscoveryConfig(path: string): Promise<DiscoveryConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new ConfigError(
      "CONFIG_NOT_FOUND",
      `Cannot read ${path}: run "mcpx discover --draft" to write one from the servers' tools.`,
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(
      "CONFIG_INVALID",
      `${path} is not valid JSON (${(cause as Error).message}); fix the syntax.`,
      { cause },
    );
  }
  return parseDiscoveryConfig(json, path);
}
