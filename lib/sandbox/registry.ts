/**
 * The one list of sandbox tiers. Config validation, the CLI's `--tier`, `mcpx serve`'s tool
 * schemas, doctor and the harness all read it; adding a tier means adding its module under
 * `lib/sandbox/` and one entry here.
 *
 * @module
 */
import type { SandboxTier } from "./tier.ts";

/** Names of the tiers, fast first. */
export const TIER_NAMES = ["deno", "podman", "trusted"] as const;

/** A sandbox tier's name. */
export type Tier = typeof TIER_NAMES[number];

/** What the registry knows about one tier. */
export interface TierEntry {
  /** The tier's name. */
  readonly name: Tier;
  /** One line for help texts. */
  readonly summary: string;
  /** Whether the tier sandboxes at all (`trusted` does not). */
  readonly sandboxed: boolean;
  /** Creates the tier, loading its module only now. */
  readonly load: (options: TierOptions) => Promise<SandboxTier>;
}

/** Settings from the config a tier may use. */
export interface TierOptions {
  /** `sandbox.image`: a container image instead of the locally built root filesystem. */
  readonly image?: string | undefined;
  /** `sandbox.require_os_isolation`: the fast tier refuses to run without its second wall. */
  readonly requireOsIsolation?: boolean | undefined;
  /** `sandbox.runtime` as an OCI runtime for the podman tier (`runsc`: gVisor). */
  readonly ociRuntime?: string | undefined;
}

/** Every tier, by name. */
export const TIERS: Readonly<Record<Tier, TierEntry>> = {
  deno: {
    name: "deno",
    summary: "fast: a Deno subprocess with the run's grant as its only permissions",
    sandboxed: true,
    load: async (options) =>
      new (await import("./deno_tier.ts")).DenoTier(
        options.requireOsIsolation ? { requireOsIsolation: true } : {},
      ),
  },
  podman: {
    name: "podman",
    summary: "strict: the same Deno permissions inside a rootless podman container",
    sandboxed: true,
    load: async (options) =>
      (await import("./podman_tier.ts")).createPodmanTier({
        ...(options.image === undefined ? {} : { image: options.image }),
        ...(options.ociRuntime === undefined ? {} : { runtime: options.ociRuntime }),
      }),
  },
  trusted: {
    name: "trusted",
    summary: "no sandbox at all (deno run -A); only when asked for by name",
    sandboxed: false,
    load: async () => new (await import("./trusted_tier.ts")).TrustedTier(),
  },
};

/** Whether `name` is a tier's name (an own entry, never an inherited property). */
export function isTier(name: unknown): name is Tier {
  return typeof name === "string" && (TIER_NAMES as readonly string[]).includes(name);
}

/** `"deno", "podman" or "trusted"`: the tier names for error messages. */
export function tierList(): string {
  const quoted = TIER_NAMES.map((t) => `"${t}"`);
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
