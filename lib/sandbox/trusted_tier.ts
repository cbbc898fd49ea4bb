/**
 * The trusted tier: `deno run -A`, the reference system's "direct mode". Only used when asked
 * for by name; it says so on stderr. Limits that do not restrict privileges (timeout, output
 * cap, heap cap, process group kill) still apply.
 *
 * @module
 */
import { runProcessTree } from "./_process_tree.ts";
import { denoFlagsOf } from "./permissions.ts";
import type { SandboxRunOutcome, SandboxRunSpec, SandboxTier } from "./tier.ts";

/** The `trusted` tier: no sandbox at all. */
export class TrustedTier implements SandboxTier {
  /** Always `trusted`. */
  readonly name = "trusted" as const;

  /** Always available. */
  ensureAvailable(): Promise<void> {
    return Promise.resolve();
  }

  /** Runs `deno run -A`, keeping only the derived flags that are not permissions. */
  run(spec: SandboxRunSpec): Promise<SandboxRunOutcome> {
    spec.onStderr?.(
      new TextEncoder().encode(
        "[mcpx: trusted tier: running with full privileges (no sandbox)]\n",
      ),
    );
    const kept = denoFlagsOf(spec).filter((flag) =>
      !/^--(allow|deny)-/.test(flag) && flag !== "--cached-only" && flag !== "--no-remote"
    );
    return runProcessTree({
      program: Deno.execPath(),
      args: ["run", "--allow-all", ...kept, spec.entry, ...spec.entryArgs],
    }, spec);
  }
}
