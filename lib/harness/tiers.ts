/**
 * Picks the sandbox tier for a run. A requested tier is never silently replaced by another.
 *
 * @module
 */
import { type Tier, type TierOptions, TIERS } from "../sandbox/registry.ts";
import type { SandboxTier } from "../sandbox/tier.ts";

/** Returns the tier named `name` (see `lib/sandbox/registry.ts`), loading its module now. */
export function tierByName(name: Tier, options: TierOptions = {}): Promise<SandboxTier> {
  return TIERS[name].load(options);
}
