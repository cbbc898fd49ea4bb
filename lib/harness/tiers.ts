/**
 * Picks the sandbox tier for a run. A requested tier is never silently replaced by another.
 *
 * @module
 */
import type { Tier } from "../config/types.ts";
import { DenoTier } from "../sandbox/deno_tier.ts";
import type { SandboxTier } from "../sandbox/tier.ts";
import { TrustedTier } from "../sandbox/trusted_tier.ts";

/** Returns the tier named `name`; the podman tier is loaded only when asked for and uses the
 * configured `sandbox.image` when there is one, else the locally built root filesystem. */
export async function tierByName(
  name: Tier,
  options: { image?: string | undefined } = {},
): Promise<SandboxTier> {
  switch (name) {
    case "deno":
      return new DenoTier();
    case "trusted":
      return new TrustedTier();
    case "podman": {
      const { createPodmanTier } = await import("../sandbox/podman_tier.ts");
      return createPodmanTier(options.image === undefined ? {} : { image: options.image });
    }
  }
}
