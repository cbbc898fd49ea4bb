/**
 * The `serve` section: what the operator of `mcpx serve` decides for every run an agent starts,
 * because an agent must not choose it itself: the hosts runs may reach, the default tier,
 * whether `trusted` may be asked for, and the servers `execute_code` gets when the agent names
 * none.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { formatJsonPath } from "./_describe.ts";
import { expected } from "./_zod.ts";
import type { SandboxConfig, Tier } from "./types.ts";

/** Keys of the `serve` section. */
export const SERVE_KEYS = ["allow_net", "tier", "allow_trusted", "servers"] as const;

/** The `serve` section after defaults. */
export interface ServeConfig {
  /** Hosts (`host` or `host:port`) every run started through serve may reach, loopback and
   * private addresses included (an explicit grant). */
  readonly allowNet: readonly string[];
  /** The tier of serve runs when the agent names none. @default sandbox.tier */
  readonly tier: Tier;
  /** Whether an agent may ask for the `trusted` tier. @default sandbox.allow_trusted (false) */
  readonly allowTrusted: boolean;
  /** The servers an `execute_code` snippet may call when the agent names none. @default [] */
  readonly servers: readonly string[];
}

// host or host:port; a host name, an IPv4 literal, or a bracketed IPv6 literal.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

const host = z.string({ error: expected('a host like "api.example.com" or "127.0.0.1:8080"') })
  .refine((value) => {
    const match = value.match(HOST);
    return match !== null && (match[1] === undefined || Number(match[1]) <= 65535);
  }, {
    error: (issue) =>
      `expected a host or host:port like "api.example.com" or "127.0.0.1:8080", got ${
        JSON.stringify(issue.input)
      } (no scheme, path or wildcard)`,
  });

/** The `serve` section as written. */
export const serveSchema = z.object({
  allow_net: z.array(host, { error: expected('a list of hosts, e.g. ["127.0.0.1:8080"]') })
    .optional(),
  tier: z.enum(["deno", "podman", "trusted"], {
    error: (issue) =>
      `unknown tier ${JSON.stringify(issue.input)} (use "deno", "podman" or "trusted")`,
  }).optional(),
  allow_trusted: z.boolean({ error: expected("true or false") }).optional(),
  servers: z.array(z.string({ error: expected("a server name") }), {
    error: expected('a list of server names, e.g. ["everything"]'),
  }).optional(),
}, { error: expected("an object", 'write "serve": { "allow_net": ["127.0.0.1:8080"] }') });

/** A validated `serve` section as written. */
export type ServeEntry = z.output<typeof serveSchema>;

/**
 * Applies defaults (the `sandbox` section's tier and `allow_trusted`) and checks that
 * `serve.servers` names configured servers. Throws `ConfigError` (`CONFIG_INVALID`) with one
 * line naming the file and the JSON path.
 *
 * @example
 * ```ts
 * import { resolveServe } from "./serve_schema.ts";
 * import { DEFAULT_SANDBOX } from "./defaults.ts";
 * const serve = resolveServe({ servers: ["git"] }, { sandbox: DEFAULT_SANDBOX, servers: ["git"], file: "c.json" });
 * console.assert(serve.tier === "deno" && serve.servers[0] === "git");
 * ```
 */
export function resolveServe(
  entry: ServeEntry | undefined,
  context: { sandbox: SandboxConfig; servers: readonly string[]; file: string },
): ServeConfig {
  const servers = entry?.servers ?? [];
  servers.forEach((name, i) => {
    if (!context.servers.includes(name)) {
      throw new ConfigError(
        "CONFIG_INVALID",
        `${context.file}: ${formatJsonPath(["serve", "servers", i])}: unknown server ${
          JSON.stringify(name)
        } (configured: ${context.servers.join(", ") || "none"})`,
      );
    }
  });
  return {
    allowNet: entry?.allow_net ?? [],
    tier: entry?.tier ?? context.sandbox.tier,
    allowTrusted: entry?.allow_trusted ?? context.sandbox.allowTrusted,
    servers,
  };
}
