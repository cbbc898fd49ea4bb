/**
 * Loud skips. A test that cannot run here (podman missing …) is registered as ignored and says
 * why on stderr. With `MCPX_REQUIRE_ALL=1` (set by `.ci/run`) a skip is a failure instead.
 *
 * @module
 */

/** Returns `true` (ignore the test) when `available` is false, after saying why, loudly. With
 * `MCPX_REQUIRE_ALL=1` it registers the test anyway so that it fails for real. */
export function skipUnless(available: boolean, reason: string): boolean {
  if (available) return false;
  if (Deno.env.get("MCPX_REQUIRE_ALL") === "1") {
    console.error(`REQUIRED BUT UNAVAILABLE (MCPX_REQUIRE_ALL=1): ${reason}`);
    return false;
  }
  console.error(`SKIPPED: ${reason}`);
  return true;
}
