/**
 * One memory limit and one process limit for a whole fast-tier run, whatever allocates (Workers,
 * ArrayBuffers, WebAssembly memory, threads): a cgroup made for the run under the harness's own
 * cgroup. cgroup v1 (memory, memsw where present, pids) where the harness may write it (root),
 * cgroup v2 where the harness's cgroup is delegated (memory.max, memory.swap.max, pids.max).
 *
 * The run's first process joins the cgroup before it execs anything ({@linkcode joinCommand}), so
 * no code of the run ever runs outside it. After the run every process left in it is killed;
 * once empty, the cgroup is kept for this harness's next run (at most a few; removed at exit) or
 * removed. {@linkcode RunCgroup.oomKilled} says whether the kernel's OOM killer fired.
 *
 * @module
 */
import { join } from "node:path";
import { type CgroupSupport, cgroupSupport, exists, readText } from "./_cgroup_detect.ts";

export { type CgroupSupport, cgroupSupport };

const MIB = 1024 * 1024;

/** Limits of one cgroup. */
export interface CgroupLimits {
  /** Memory of the whole run in MiB (swap included where the host accounts it). */
  readonly memoryMb: number;
  /** Processes and threads of the whole run. */
  readonly pidsLimit: number;
}

/** The cgroup of one run. */
export interface RunCgroup {
  /** `v1` or `v2`. */
  readonly kind: "v1" | "v2";
  /** The `cgroup.procs` files the run's first process writes its pid into. */
  readonly procsFiles: readonly string[];
  /** Whether the kernel's OOM killer killed a process of the run. */
  oomKilled(): boolean;
  /** Kills every process still in the cgroup. */
  killAll(): void;
  /** Kills what is left, waits until the cgroup is empty and removes it. Never throws. */
  remove(): Promise<void>;
  /** Kills what is left and, once the cgroup is empty, keeps it for the next run of this
   * harness (a fresh cgroup per run costs ~10 ms on cgroup v1); otherwise removes it. */
  release(): Promise<void>;
  /** Sets the limits again and forgets earlier OOM kills (a pooled cgroup's next run). */
  reset(limits: CgroupLimits): void;
}

/** Removes cgroups left by harnesses that died (SIGKILL) before they could clean up. */
function sweep(parent: string): void {
  try {
    for (const entry of Deno.readDirSync(parent)) {
      const owner = /^mcpx-(\d+)-/.exec(entry.name)?.[1];
      if (!entry.isDirectory || owner === undefined || exists(`/proc/${owner}`)) continue;
      try {
        Deno.removeSync(join(parent, entry.name));
      } catch {
        // still has processes, or another harness removed it first
      }
    }
  } catch {
    // nothing to sweep
  }
}

/**
 * Makes the cgroup of one run with its limits, or returns `undefined` when this host gives no
 * cgroup to this user (see {@linkcode cgroupSupport}).
 */
export function createRunCgroup(runId: string, limits: CgroupLimits): RunCgroup | undefined {
  const support = cgroupSupport();
  if (support.kind === "none") return undefined;
  const name = `mcpx-${Deno.pid}-${runId.replace(/[^A-Za-z0-9_-]/g, "")}`;
  const dirs: string[] = [];
  const made = (parent: string) => {
    sweep(parent);
    const dir = join(parent, name);
    Deno.mkdirSync(dir);
    dirs.push(dir);
    return dir;
  };
  try {
    const memory = made(support.memory);
    const pids = support.pids === undefined
      ? undefined
      : support.kind === "v1"
      ? made(support.pids)
      : memory;
    const cgroup = runCgroup(support.kind, memory, pids, dirs);
    cgroup.reset(limits);
    return cgroup;
  } catch (error) {
    for (const dir of dirs.reverse()) tryRemove(dir);
    throw new Error(`cannot set up the run's cgroup under ${support.memory}: ${String(error)}`, {
      cause: error,
    });
  }
}

function tryWrite(path: string, text: string): void {
  try {
    Deno.writeTextFileSync(path, text);
  } catch {
    // optional knob
  }
}

function tryRemove(dir: string): boolean {
  try {
    Deno.removeSync(dir);
    return true;
  } catch {
    return !exists(dir);
  }
}

function pidsIn(dir: string): number[] {
  return (readText(join(dir, "cgroup.procs")) ?? "").split("\n").filter(Boolean).map(Number);
}

/** 1 ms for the first tries, then up to 50 ms. */
function pause(attempt: number): Promise<void> {
  return new Promise((done) => setTimeout(done, attempt < 10 ? 1 : Math.min(50, attempt * 2)));
}

/** Writes the limits of one run (memsw first lifted, so the memory limit may go down or up). */
function applyLimits(
  kind: "v1" | "v2",
  memory: string,
  pids: string | undefined,
  limits: CgroupLimits,
): void {
  const bytes = String(limits.memoryMb * MIB);
  if (kind === "v1") {
    tryWrite(join(memory, "memory.memsw.limit_in_bytes"), "-1"); // absent without swap accounting
    Deno.writeTextFileSync(join(memory, "memory.limit_in_bytes"), bytes);
    tryWrite(join(memory, "memory.memsw.limit_in_bytes"), bytes);
  } else {
    Deno.writeTextFileSync(join(memory, "memory.max"), bytes);
    tryWrite(join(memory, "memory.swap.max"), "0");
    tryWrite(join(memory, "memory.oom.group"), "1");
  }
  if (pids !== undefined) Deno.writeTextFileSync(join(pids, "pids.max"), String(limits.pidsLimit));
}

/** Idle cgroups of this harness, kept for the next run. */
const idle: RunCgroup[] = [];
const POOL_SIZE = 4;
let pooled = 0;
let drainOnExit = false;

/**
 * A cgroup for one run with `limits`: an idle one of this harness when there is one (see
 * {@linkcode RunCgroup.release}), else a new one; `undefined` when the host gives none.
 */
export function acquireRunCgroup(limits: CgroupLimits): RunCgroup | undefined {
  if (cgroupSupport().kind === "none") return undefined;
  if (!drainOnExit) {
    drainOnExit = true;
    globalThis.addEventListener("unload", drainCgroupPool);
  }
  for (let cgroup = idle.pop(); cgroup !== undefined; cgroup = idle.pop()) {
    try {
      cgroup.reset(limits);
      return cgroup;
    } catch {
      void cgroup.remove();
    }
  }
  return createRunCgroup(`pool${pooled++}`, limits);
}

/** Removes the idle cgroups (at exit; tests call it to check nothing else is left). */
export function drainCgroupPool(): void {
  for (let cgroup = idle.pop(); cgroup !== undefined; cgroup = idle.pop()) {
    for (const file of [...cgroup.procsFiles].reverse()) tryRemove(join(file, ".."));
  }
}

function runCgroup(
  kind: "v1" | "v2",
  memory: string,
  pids: string | undefined,
  dirs: string[],
): RunCgroup {
  const killAll = () => {
    if (kind === "v2" && exists(join(memory, "cgroup.kill"))) {
      tryWrite(join(memory, "cgroup.kill"), "1");
      return;
    }
    for (const dir of dirs) {
      for (const pid of pidsIn(dir)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  };
  const oomCount = () => {
    const file = kind === "v1" ? "memory.oom_control" : "memory.events";
    return Number(/^oom_kill (\d+)$/m.exec(readText(join(memory, file)) ?? "")?.[1] ?? 0);
  };
  // Exited processes leave the cgroup within a few ms (once reaped): poll briefly, then back
  // off, for up to ~2 s in all.
  const emptied = async () => {
    for (let attempt = 0; attempt < 60; attempt++) {
      killAll();
      if (dirs.every((dir) => pidsIn(dir).length === 0)) return true;
      await pause(attempt);
    }
    return false;
  };
  let oomBefore = 0;
  const cgroup: RunCgroup = {
    kind,
    procsFiles: dirs.map((dir) => join(dir, "cgroup.procs")),
    oomKilled: () => oomCount() > oomBefore,
    killAll,
    async remove() {
      await emptied();
      for (const dir of [...dirs].reverse()) {
        for (let attempt = 0; attempt < 60 && !tryRemove(dir); attempt++) await pause(attempt);
      }
    },
    async release() {
      if (await emptied() && idle.length < POOL_SIZE) idle.push(cgroup);
      else await cgroup.remove();
    },
    reset(limits) {
      applyLimits(kind, memory, pids, limits);
      oomBefore = oomCount();
    },
  };
  return cgroup;
}

/**
 * The command that puts its own process into the run's cgroup and then execs `command`: nothing
 * of the run starts outside the limits. If joining fails, it exits 125 without running anything.
 */
export function joinCommand(
  cgroup: RunCgroup,
  command: readonly string[],
): { program: string; args: string[] } {
  const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do ' +
    'echo $$ > "$1" || { echo "mcpx: cannot join the run cgroup $1" >&2; exit 125; }; ' +
    'shift; n=$((n - 1)); done; exec "$@"';
  return {
    program: "/bin/sh",
    args: [
      "-c",
      script,
      "mcpx-cgroup-join",
      String(cgroup.procsFiles.length),
      ...cgroup.procsFiles,
      ...command,
    ],
  };
}
