/**
 * Unknown-key warnings: a key mcpx does not read is reported (with a "did you mean" hint) but
 * never fails the load, so configs written for other MCP clients keep working.
 *
 * @module
 */
import { closestKey, formatJsonPath } from "./_describe.ts";
import { SANDBOX_KEYS } from "./sandbox_schema.ts";
import { TOP_LEVEL_KEYS } from "./schema.ts";
import { SERVE_KEYS } from "./serve_schema.ts";
import { DAEMON_KEYS } from "./daemon_schema.ts";
import { PRIVACY_KEYS } from "./privacy_schema.ts";
import { IGNORED_SERVER_KEYS, SERVER_KEYS } from "./server_schema.ts";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKeys(
  value: unknown,
  path: string[],
  known: readonly string[],
  prefix: string,
): string[] {
  if (!isObject(value)) return [];
  return Object.keys(value).filter((key) => !known.includes(key)).map((key) => {
    const guess = closestKey(key, known);
    const hint = guess === undefined ? "" : ` (did you mean "${guess}"?)`;
    return `${prefix}: ${formatJsonPath([...path, key])}: unknown key, ignored${hint}`;
  });
}

/** One warning line per unknown key of a (structurally valid) config file. */
export function unknownKeyWarnings(raw: unknown, displayPath: string): string[] {
  const warnings = unknownKeys(raw, [], TOP_LEVEL_KEYS, displayPath);
  if (!isObject(raw)) return warnings;
  const servers = raw.mcpServers;
  if (isObject(servers)) {
    const known = [...SERVER_KEYS, ...IGNORED_SERVER_KEYS];
    for (const [name, entry] of Object.entries(servers)) {
      warnings.push(...unknownKeys(entry, ["mcpServers", name], known, displayPath));
    }
  }
  warnings.push(...unknownKeys(raw.sandbox, ["sandbox"], SANDBOX_KEYS, displayPath));
  warnings.push(...unknownKeys(raw.serve, ["serve"], SERVE_KEYS, displayPath));
  warnings.push(...unknownKeys(raw.daemon, ["daemon"], DAEMON_KEYS, displayPath));
  warnings.push(...unknownKeys(raw.privacy, ["privacy"], PRIVACY_KEYS, displayPath));
  return warnings;
}
