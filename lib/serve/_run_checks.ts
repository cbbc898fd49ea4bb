/**
 * Checks and conversions for `run_skill` and `execute_code` requests, done before anything runs.
 *
 * @module
 */
import { TIER_NAMES, TIERS } from "../sandbox/registry.ts";
import type { Tier } from "../config/types.ts";
import { McpxError } from "../errors.ts";
import type { ServeBackend } from "./backend.ts";

/** Never `trusted` unless the operator allowed it in the config. */
export function chooseTier(backend: ServeBackend, requested: Tier | undefined): Tier {
  const tier = requested ?? backend.sandbox.tier;
  if (tier === "trusted" && !backend.sandbox.allowTrusted) {
    throw new McpxError(
      "INVALID_ARGUMENTS",
      `Tier "trusted" is not allowed for mcpx serve clients; use ${sandboxedTiers()} (the ` +
        'operator can allow it with "sandbox": {"allow_trusted": true} in mcp_config.json).',
    );
  }
  return tier;
}

/** The tiers that sandbox, quoted: `"deno" or "podman"`. */
function sandboxedTiers(): string {
  const names = TIER_NAMES.filter((name) => TIERS[name].sandboxed).map((name) => `"${name}"`);
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** Refuses servers that are unknown or disabled, naming the ones that may be used. */
export async function checkServers(
  backend: ServeBackend,
  servers: readonly string[],
): Promise<void> {
  const known = (await backend.tools.listServers()).filter((s) => !s.disabled).map((s) => s.name);
  const unknown = servers.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    throw new McpxError(
      "UNKNOWN_SERVER",
      `Unknown or disabled server ${unknown.map((s) => `"${s}"`).join(", ")}; ` +
        `servers may name: ${known.join(", ") || "none"} (see list_servers).`,
    );
  }
}

/** Refuses a timeout above `sandbox.max_timeout`. */
export function checkTimeout(
  backend: ServeBackend,
  seconds: number | undefined,
): number | undefined {
  const max = backend.sandbox.maxTimeoutSeconds;
  if (seconds !== undefined && seconds > max) {
    throw new McpxError(
      "INVALID_ARGUMENTS",
      `timeoutSeconds ${seconds} is above the configured maximum of ${max}; ask for at most ${max}.`,
    );
  }
  return seconds;
}

/** `{maxLength: 5, raw: true, tag: ["a", "b"]}` -> `--max-length=5 --raw --tag=a --tag=b`. */
export function toFlags(args: Record<string, unknown>): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    const flag = `--${key.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()}`;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === true) flags.push(flag);
      else if (item === false) flags.push(`${flag}=false`);
      else if (item === null || item === undefined) continue;
      else flags.push(`${flag}=${typeof item === "string" ? item : JSON.stringify(item)}`);
    }
  }
  return flags;
}
