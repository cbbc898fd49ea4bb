/**
 * The fast tier: `deno run` with only the flags the harness derived (see `permissions.ts`), a
 * cleared environment, its own process group, a wall-clock limit and capped output.
 *
 * @module
 */
import { SandboxError } from "../errors.ts";
import { runProcessTree } from "./_process_tree.ts";
import type { SandboxRunOutcome, SandboxRunSpec, SandboxTier } from "./tier.ts";

const GRANTS_EVERYTHING = new Set(["-A", "--allow-all", "--allow-run", "--allow-ffi"]);

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

  /** Runs `deno run <flags> <entry> <args>`; refuses flags that would grant everything. */
  run(spec: SandboxRunSpec): Promise<SandboxRunOutcome> {
    const bad = spec.denoFlags.find((flag) => GRANTS_EVERYTHING.has(flag.split("=")[0]!));
    if (bad !== undefined || !spec.denoFlags.includes("--no-prompt")) {
      return Promise.reject(
        new SandboxError(
          "SANDBOX_ERROR",
          `The deno tier refuses to run with ${bad ?? "prompts enabled"}; ` +
            `use --tier trusted to run with full privileges.`,
        ),
      );
    }
    return runProcessTree({
      program: Deno.execPath(),
      args: ["run", ...spec.denoFlags, spec.entry, ...spec.entryArgs],
    }, spec);
  }
}
