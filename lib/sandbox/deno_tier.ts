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
import { type ProcessCommand, type StartedTree, startProcessTree } from "./_process_tree.ts";
import { wallArgs, type WallSupport, wallSupport } from "./bwrap.ts";
import { acquireRunCgroup, cgroupSupport, type RunCgroup } from "./cgroup.ts";
import type { Grant } from "./grant.ts";
import { denoFlagsOf } from "./permissions.ts";
import {
  ARGS_ON_STDIN,
  type Reservation,
  type RunShape,
  type SandboxRunOutcome,
  type SandboxRunSpec,
  type SandboxTier,
} from "./tier.ts";
import { type WarmEntry, type WarmPool, warmRuns } from "./_warm.ts";

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

  /** Runs `deno run <flags from the grant> <entry> <args>`, walled in where the host allows;
   * in a sandbox started ahead when `spec.reserved` is one of this tier's. */
  async run(spec: SandboxRunSpec): Promise<SandboxRunOutcome> {
    const support = await this.#checkedSupport(spec);
    const stdin = spec.argsOnStdin === true ? JSON.stringify(spec.entryArgs) : undefined;
    const reserved = spec.reserved === undefined ? undefined : claim(spec.reserved);
    if (reserved !== undefined && reserved.bridgeDir !== spec.bridgeDir) {
      await reserved.discard();
      throw new SandboxError(
        "SANDBOX_ERROR",
        "A warm sandbox was handed a run whose bridge is elsewhere (this is a bug in mcpx).",
      );
    }
    const started = reserved ?? this.#start(spec, support, spec.bridgeDir, 0);
    try {
      const outcome = started.tree.attach({
        limits: spec.grant.limits,
        stdin,
        signal: spec.signal,
        onStdout: spec.onStdout,
        onStderr: spec.onStderr,
      });
      // daemon wiring: the next run of this shape finds its sandbox started (now, while this
      // run goes on: by the time the next one is asked for, it has loaded).
      const pool = warmRuns();
      if (pool !== undefined && warmable(spec)) {
        // The key the reservation was taken under, when there is one: rendered once per run.
        const key = reserved?.key ?? this.#key(spec, support);
        pool.offer(key, () => this.#startAhead(spec, support, pool, key));
      }
      return await outcome;
    } finally {
      await started.cgroup?.release();
    }
  }

  /** A sandbox started ahead for a run of this shape, when warm runs are on and one waits. */
  async reserve(shape: RunShape): Promise<Reservation | undefined> {
    const pool = warmRuns();
    if (pool === undefined || !warmable(shape)) return undefined;
    const support = await this.#checkedSupport(shape);
    const entry = pool.take(this.#key(shape, support)) as WarmSandbox | undefined;
    if (entry === undefined) return undefined;
    const reservation: Reservation = {
      bridgeDir: entry.bridgeDir,
      async [Symbol.asyncDispose]() {
        // Still unclaimed: the run never started (it failed before), so its sandbox goes too.
        if (unclaimed.delete(reservation)) await entry.discard();
      },
    };
    unclaimed.set(reservation, entry);
    return reservation;
  }

  /** The wall's availability for this run, after the checks that refuse a run. */
  async #checkedSupport(spec: RunShape): Promise<WallSupport> {
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
    return support;
  }

  /** The command line of a run of `shape` whose bridge is in `bridgeDir`. */
  #command(shape: RunShape, support: WallSupport, bridgeDir: string): ProcessCommand {
    const bridgeSocket = `${bridgeDir}/bridge.sock`;
    const flags = shape.escapedDeno
      ? ["--no-prompt", "--allow-all"]
      : denoFlagsOf({ grant: shape.grant, bridgeSocket, deno: shape.deno });
    const entryArgs = shape.argsOnStdin === true ? [ARGS_ON_STDIN] : undefined;
    const deno = [Deno.execPath(), "run", ...flags, shape.entry, ...(entryArgs ?? [])];
    const walled = support.available
      ? [
        support.bwrap,
        ...wallArgs({
          grant: shape.grant,
          denoBinary: Deno.execPath(),
          denoDir: shape.deno.denoDir,
          cwd: shape.cwd,
          bridgeDir,
          env: shape.env,
          extraReadOnly: shape.support,
        }),
        ...deno,
      ]
      : deno;
    return {
      program: walled[0]!,
      args: walled.slice(1),
      ...(support.available ? { cwd: "/" } : {}),
    };
  }

  /** Starts the sandbox of a run (its output held until the run attaches). */
  #start(
    spec: RunShape & { readonly entryArgs?: readonly string[] },
    support: WallSupport,
    bridgeDir: string,
    idleSeconds: number,
  ): Started {
    const command = this.#command(spec, support, bridgeDir);
    const args = spec.argsOnStdin === true
      ? command.args
      : [...command.args, ...spec.entryArgs ?? []];
    const cgroup = this.#options.wall === false ? undefined : makeCgroup(spec.grant);
    try {
      const tree = startProcessTree({ ...command, args, cgroup }, {
        cwd: spec.cwd,
        env: spec.env,
        limits: spec.grant.limits,
        idleSeconds,
        stdin: spec.argsOnStdin === true,
      });
      return { tree, cgroup };
    } catch (error) {
      void cgroup?.release();
      throw error;
    }
  }

  /** Starts a sandbox for the next run of `shape`, in a bridge directory of its own. */
  #startAhead(shape: RunShape, support: WallSupport, pool: WarmPool, key: string): WarmSandbox {
    const bridgeDir = Deno.makeTempDirSync({ prefix: "mcpx-bridge-" });
    let started: Started;
    try {
      Deno.chmodSync(bridgeDir, 0o700);
      started = this.#start(shape, support, bridgeDir, pool.idleSeconds);
    } catch (error) {
      Deno.removeSync(bridgeDir, { recursive: true });
      throw error;
    }
    const { tree, cgroup } = started;
    return {
      bridgeDir,
      key,
      tree,
      cgroup,
      get exited() {
        return tree.exited;
      },
      async discard() {
        await tree.discard();
        await cgroup?.release();
        await Deno.remove(bridgeDir, { recursive: true }).catch(() => {});
      },
    };
  }

  /** What makes two runs interchangeable for a sandbox started ahead: the whole command line
   * (with the bridge directory left out), environment, working directory, limits and code. */
  #key(shape: RunShape, support: WallSupport): string {
    const { program, args, cwd } = this.#command(shape, support, BRIDGE_PLACEHOLDER);
    return JSON.stringify([
      program,
      args,
      cwd ?? null,
      shape.cwd,
      Object.entries(shape.env).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0),
      shape.grant.limits,
      shape.codeFingerprint,
    ]);
  }
}

/** Stands for the bridge directory in a warm sandbox's key. */
const BRIDGE_PLACEHOLDER = "/\0mcpx-bridge";

/** A started sandbox and its cgroup. */
interface Started {
  readonly tree: StartedTree;
  readonly cgroup: RunCgroup | undefined;
}

/** A sandbox started ahead of its run. */
interface WarmSandbox extends Started, WarmEntry {
  readonly bridgeDir: string;
  /** The shape's key it waits under. */
  readonly key: string;
}

/** Reservations handed out and not yet claimed by a run. */
const unclaimed = new WeakMap<Reservation, WarmSandbox>();

/** The sandbox behind `reservation`, now the run's; `undefined` when it is not one of ours or
 * was claimed already. */
function claim(reservation: Reservation): WarmSandbox | undefined {
  const entry = unclaimed.get(reservation);
  unclaimed.delete(reservation);
  return entry;
}

/** Whether a run of `shape` may use a sandbox started ahead: the harness's own runs (their
 * arguments come on stdin, their code is known by its digest), never an escape test's. */
function warmable(shape: RunShape): boolean {
  return shape.argsOnStdin === true && shape.codeFingerprint !== undefined &&
    shape.escapedDeno !== true;
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
