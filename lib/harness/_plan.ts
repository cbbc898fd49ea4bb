/**
 * Small decisions the harness makes before a run: is the file a plain script, and which servers
 * may it reach.
 *
 * @module
 */
import type { McpxConfig } from "../config/types.ts";
import { UsageError } from "../errors.ts";

/** Whether `source` has a default export (`export default …` or `export { x as default }`). */
export function hasDefaultExport(source: string): boolean {
  return /^\s*export\s+default\b/m.test(source) ||
    /\bexport\s*\{[^}]*\bas\s+default\b[^}]*\}/.test(source);
}

/**
 * The servers a run may reach: a plain script's `--servers` (each must be configured), or a
 * skill's declared servers, which `--servers` may only narrow. Throws `UsageError`.
 */
export function allowedServers(
  declared: readonly string[] | undefined,
  requested: readonly string[] | undefined,
  config: McpxConfig,
): string[] {
  if (declared === undefined) {
    const servers = [...(requested ?? [])];
    const unknown = servers.filter((s) => !Object.hasOwn(config.servers, s));
    if (unknown.length > 0) {
      throw new UsageError(
        `--servers: unknown server ${unknown.map((s) => `"${s}"`).join(", ")}; configured: ` +
          `${Object.keys(config.servers).join(", ") || "none"}.`,
      );
    }
    return servers;
  }
  if (requested === undefined) return [...declared];
  const extra = requested.filter((s) => !declared.includes(s));
  if (extra.length > 0) {
    throw new UsageError(
      `--servers may only narrow a skill's servers (${declared.join(", ") || "none"}); ` +
        `${extra.join(", ")} is not among them. Edit the skill's servers to add one.`,
    );
  }
  return [...requested];
}
