/**
 * Prints, as one JSON line, how the registry's podman tier's `ensureAvailable()` ends in this process
 * (`podman_missing_test.ts` runs it with `MCPX_PODMAN` pointing nowhere).
 *
 * @module
 */
import { TIERS } from "../../../lib/sandbox/registry.ts";
import { McpxError } from "../../../lib/errors.ts";

const result = await (await TIERS.podman.load({})).ensureAvailable().then(
  () => ({ ok: true }),
  (error: unknown) => ({
    ok: false,
    name: error instanceof Error ? error.name : typeof error,
    code: error instanceof McpxError ? error.code : undefined,
    message: error instanceof Error ? error.message : String(error),
  }),
);
console.log(JSON.stringify(result));
