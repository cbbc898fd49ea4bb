/**
 * The fast tier: `deno run` with the grant rendered into flags (see `permissions.ts`), a
 * cleared environment, its own process group, a wall-clock limit and capped output.
 *
 * @module
 */
import { SandboxError } from "../errors.ts";
import { runProcessTree } from "./_process_tree.ts";
import { denoFlagsOf } from "./permissions.ts";
import type { SandboxRunOutcome, SandboxRunSpec, SandboxTier } from "./tier.ts";

/** The `deno` tier: Deno's permission system is the sandbox. */
export class DenoTier implements SandboxTier {
  /** Always `deno`. */
  readonly name = "deno" as const;

  /** The tier only needs the running `deno` binary, which is always there. */
  ensureAvailable(): Promise<void> {
    try {
      Deno.statSync(Deno.execPath());
      return Promise.resolve();
    } catch (cause) {
      return Promise.reject(
        new SandboxError(
          "SANDBOX_UNAVAILABLE",
          `The deno tier cannot find the deno binary at ${Deno.execPath()}; reinstall Deno.`,
          { cause },
        ),
      );
    }
  }

  /** Runs `deno run <flags from the grant> <entry> <args>`. */
  run(spec: SandboxRunSpec): Promise<SandboxRunOutcome> {
    if (spec.escapedDeno) {
      return Promise.reject(
        new SandboxError(
          "SANDBOX_ERROR",
          "The deno tier has no wall besides Deno's permissions, so it refuses to run with " +
            "them switched off; use --tier trusted to run with full privileges.",
        ),
      );
    }
    return runProcessTree({
      program: Deno.execPath(),
      args: ["run", ...denoFlagsOf(spec), spec.entry, ...spec.entryArgs],
    }, spec);
  }
}
