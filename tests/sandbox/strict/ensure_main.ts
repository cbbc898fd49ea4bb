/**
 * Prints, as one JSON line, how `createPodmanTier().ensureAvailable()` ends in this process
 * (`podman_missing_test.ts` runs it with `MCPX_PODMAN` pointing nowhere).
 *
 * @module
 */
import { createPodmanTier } from "../../../lib/sandbox/podman_tier.ts";
import { McpxError } from "../../../lib/errors.ts";

const result = await createPodmanTier().ensureAvailable().then(
  () => ({ ok: true }),
  (error: unknown) => ({
    ok: false,
    name: error instanceof Error ? error.name : typeof error,
    code: error instanceof McpxError ? error.code : undefined,
    message: error instanceof Error ? error.message : String(error),
  }),
);
console.log(JSON.stringify(result));
