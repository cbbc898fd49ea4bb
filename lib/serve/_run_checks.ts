/**
 * Checks and conversions for `run_skill` and `execute_code` requests, done before anything runs.
 * What an agent may not choose comes from the operator's `serve` section.
 *
 * @module
 */
import { TIER_NAMES, TIERS } from "../sandbox/registry.ts";
import type { Tier } from "../config/types.ts";
import { McpxError } from "../errors.ts";
import { nearestName } from "../client/_suggest.ts";
import type { ServeBackend } from "./backend.ts";

/** `Unknown skill "fech"; did you mean "fetch"?`, or `Unknown skill "x".` when none is close. */
export function unknownName(kind: string, name: string, known: readonly string[]): string {
  const guess = nearestName(name, known);
  const hint = guess === undefined ? "." : `; did you mean ${JSON.stringify(guess)}?`;
  return `Unknown ${kind} ${JSON.stringify(name)}${hint}`;
}

/** The agent's tier, else the operator's; never `trusted` unless the operator allowed it. */
export function chooseTier(backend: ServeBackend, requested: Tier | undefined): Tier {
  const tier = requested ?? backend.serve.tier;
  if (tier === "trusted" && !backend.serve.allowTrusted) {
    throw new McpxError(
      "INVALID_ARGUMENTS",
      `Tier "trusted" is not allowed for mcpx serve clients; use ${sandboxedTiers()} (the ` +
        'operator can allow it with "serve": {"allow_trusted": true} in mcp_config.json).',
    );
  }
  return tier;
}

/** The tiers that sandbox, quoted: `"deno" or "podman"`. */
function sandboxedTiers(): string {
  const names = TIER_NAMES.filter((name) => TIERS[name].sandboxed).map((name) => `"${name}"`);
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** The agent's servers, else the operator's `serve.servers`; unknown or disabled ones are
 * refused, with a did-you-mean and the names that may be used. */
export async function chooseServers(
  backend: ServeBackend,
  requested: readonly string[] | undefined,
): Promise<readonly string[]> {
  const servers = requested ?? backend.serve.servers;
  const all = await backend.tools.listServers();
  const known = all.filter((s) => !s.disabled).map((s) => s.name);
  const refused = servers.filter((s) => !known.includes(s));
  if (refused.length === 0) return servers;
  const problems = refused.map((name) =>
    all.some((s) => s.name === name)
      ? `Server ${JSON.stringify(name)} is disabled by the operator.`
      : unknownName("server", name, known)
  );
  throw new McpxError(
    "UNKNOWN_SERVER",
    `${problems.join(" ")} The servers argument may name: ${
      known.join(", ") || "none"
    } (see list_servers).`,
  );
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
