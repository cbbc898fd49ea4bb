/**
 * The fast tier: `deno run` with only the flags the harness derived (see `permissions.ts`), a
 * cleared environment, its own process group, a wall-clock limit and capped output; on Linux
 * inside a second wall (bubblewrap: its own mount view, PID and network namespaces, see
 * `bwrap.ts`) and one cgroup holding the memory and process limits of the whole run (see
 * `cgroup.ts`). Where the wall cannot be built the run says so once and runs on Deno's
 * permissions alone, unless `sandbox.require_os_isolation` makes that a refusal.
 *
 * @module
 */
import { SandboxError } from "../errors.ts";
import { runProcessTree } from "./_process_tree.ts";
import { wallArgs, type WallSupport, wallSupport } from "./bwrap.ts";
import { acquireRunCgroup, cgroupSupport, type RunCgroup } from "./cgroup.ts";
import type { Grant } from "./grant.ts";
import { denoFlagsOf } from "./permissions.ts";
import type { SandboxRunOutcome, SandboxRunSpec, SandboxTier } from "./tier.ts";

/** Options of {@linkcode DenoTier}. */
export interface DenoTierOptions {
  /** Refuse to run when the second wall (bubblewrap) cannot be built. @default false */
  readonly requireOsIsolation?: boolean;
  /** Build the second wall at all; `false` only for measuring its cost. @default true */
  readonly wall?: boolean;
  /** Where the wall's availability comes from; tests stand in a host without bubblewrap.
   * @default wallSupport (measured once per process) */
  readonly wallSupport?: () => Promise<WallSupport>;
}

let saidNoWall = false;
let saidNoCgroup = false;

/** The `deno` tier: Deno's permission system, walled in by bubblewrap and a cgroup. */
export class DenoTier implements SandboxTier {
  /** Always `deno`. */
  readonly name = "deno" as const;
  readonly #options: DenoTierOptions;

  /** Creates the tier. */
  constructor(options: DenoTierOptions = {}) {
    this.#options = options;
  }

  #support(): Promise<WallSupport> {
    return (this.#options.wallSupport ?? wallSupport)();
  }

  /** Needs the running `deno` binary; with `requireOsIsolation`, also a working bubblewrap. */
  async ensureAvailable(): Promise<void> {
    try {
      Deno.statSync(Deno.execPath());
    } catch (cause) {
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `The deno tier cannot find the deno binary at ${Deno.execPath()}; reinstall Deno.`,
        { cause },
      );
    }
    if (this.#options.requireOsIsolation) refuseWithoutWall(await this.#support());
  }

  /** Runs `deno run <flags from the grant> <entry> <args>`, walled in where the host allows. */
  async run(spec: SandboxRunSpec): Promise<SandboxRunOutcome> {
    const support: WallSupport = this.#options.wall === false
      ? { available: false, reason: "the wall was turned off", fix: "" }
      : await this.#support();
    if (this.#options.requireOsIsolation) refuseWithoutWall(support);
    if (spec.escapedDeno && !support.available) {
      throw new SandboxError(
        "SANDBOX_ERROR",
        "The deno tier has no wall besides Deno's permissions here, so it refuses to run with " +
          "them switched off; use --tier trusted to run with full privileges.",
      );
    }
    if (!support.available && this.#options.wall !== false && !saidNoWall) {
      saidNoWall = true;
      console.error(
        `warning: the fast tier runs without its second wall here (${support.reason}); ` +
          `skills are confined by Deno's permissions alone. Fix: ${support.fix}; set ` +
          `sandbox.require_os_isolation to refuse instead.`,
      );
    }
    const flags = spec.escapedDeno ? ["--no-prompt", "--allow-all"] : denoFlagsOf(spec);
    const deno = [
      Deno.execPath(),
      "run",
      ...flags,
      spec.entry,
      ...spec.entryArgs,
    ];
    const walled = support.available
      ? [
        support.bwrap,
        ...wallArgs({
          grant: spec.grant,
          denoBinary: Deno.execPath(),
          denoDir: spec.deno.denoDir,
          cwd: spec.cwd,
          bridgeDir: spec.bridgeDir,
          env: spec.env,
          extraReadOnly: spec.support,
        }),
        ...deno,
      ]
      : deno;
    const cgroup = this.#options.wall === false ? undefined : makeCgroup(spec.grant);
    try {
      return await runProcessTree(
        {
          program: walled[0]!,
          args: walled.slice(1),
          cgroup,
          ...(support.available ? { cwd: "/" } : {}),
        },
        spec,
      );
    } finally {
      await cgroup?.release();
    }
  }
}

function refuseWithoutWall(support: WallSupport): void {
  if (support.available) return;
  throw new SandboxError(
    "SANDBOX_UNAVAILABLE",
    `sandbox.require_os_isolation is set but the fast tier's second wall cannot be built ` +
      `here: ${support.reason}; ${support.fix} (or set it to false to run on Deno's ` +
      `permissions alone).`,
  );
}

function makeCgroup(grant: Grant): RunCgroup | undefined {
  const support = cgroupSupport();
  if (support.kind === "none") {
    // Off Linux the wall's own warning already says the OS isolation is missing.
    if (!saidNoCgroup && Deno.build.os === "linux") {
      saidNoCgroup = true;
      console.error(
        `warning: no cgroup for the fast tier here (${support.reason}); a run's memory is ` +
          `capped per isolate (V8 heap) and its Workers by count only. Run as root or on a ` +
          `delegated cgroup v2 for one limit over the whole run.`,
      );
    }
    return undefined;
  }
  return acquireRunCgroup({
    memoryMb: grant.limits.memoryMb,
    pidsLimit: grant.limits.pidsLimit,
  });
}
