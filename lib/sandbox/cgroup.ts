/**
 * One memory limit and one process limit for a whole fast-tier run, whatever allocates (Workers,
 * ArrayBuffers, WebAssembly memory, threads): a cgroup made for the run under the harness's own
 * cgroup. cgroup v1 (memory, memsw where present, pids) where the harness may write it (root),
 * cgroup v2 where the harness's cgroup is delegated (memory.max, memory.swap.max, pids.max).
 *
 * The run's first process joins the cgroup before it execs anything ({@linkcode joinCommand}), so
 * no code of the run ever runs outside it. After the run every process left in it is killed and
 * the cgroup removed; {@linkcode RunCgroup.oomKilled} says whether the kernel's OOM killer fired.
 *
 * @module
 */
import { join } from "node:path";

const MIB = 1024 * 1024;

/** Which mechanism limits the memory of a whole run on this host. */
export type CgroupSupport =
  | { readonly kind: "v1" | "v2"; readonly memory: string; readonly pids: string | undefined }
  | { readonly kind: "none"; readonly reason: string };

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
}

interface Mountinfo {
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly options: string;
}

function mounts(): Mountinfo[] {
  const list: Mountinfo[] = [];
  for (const line of Deno.readTextFileSync("/proc/self/mountinfo").split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const fields = left.split(" ");
    const [fsType, , options] = right.split(" ");
    list.push({
      root: fields[3] ?? "/",
      mountPoint: (fields[4] ?? "").replace(/\\040/g, " "),
      fsType: fsType ?? "",
      options: options ?? "",
    });
  }
  return list;
}

/** The folder of this process's own cgroup for one v1 controller (`memory`, `pids`). */
function ownV1Dir(controller: string, table: Mountinfo[], own: string[]): string | undefined {
  const mount = table.find((m) =>
    m.fsType === "cgroup" && m.options.split(",").includes(controller)
  );
  const line = own.find((l) => l.split(":")[1]?.split(",").includes(controller));
  if (!mount || !line) return undefined;
  const path = line.split(":").slice(2).join(":");
  const relative = path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  return join(mount.mountPoint, relative);
}

function writable(dir: string): boolean {
  const probe = join(dir, `mcpx-probe-${Deno.pid}-${crypto.randomUUID().slice(0, 6)}`);
  try {
    Deno.mkdirSync(probe);
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

let cached: CgroupSupport | undefined;

/**
 * Where this process may make a cgroup for a run, measured by making (and removing) one.
 *
 * @example
 * ```ts ignore
 * import { cgroupSupport } from "./cgroup.ts";
 * const support = cgroupSupport();
 * console.log(support.kind === "none" ? support.reason : support.memory);
 * ```
 */
export function cgroupSupport(): CgroupSupport {
  cached ??= detect();
  return cached;
}

function detect(): CgroupSupport {
  if (Deno.build.os !== "linux") {
    return { kind: "none", reason: `cgroups need Linux, this is ${Deno.build.os}` };
  }
  let table: Mountinfo[];
  let own: string[];
  try {
    table = mounts();
    own = Deno.readTextFileSync("/proc/self/cgroup").split("\n").filter(Boolean);
  } catch (error) {
    return { kind: "none", reason: `cannot read the cgroup tables: ${String(error)}` };
  }
  const memoryV1 = ownV1Dir("memory", table, own);
  if (memoryV1 !== undefined && exists(join(memoryV1, "memory.limit_in_bytes"))) {
    if (!writable(memoryV1)) {
      return {
        kind: "none",
        reason: `the memory cgroup ${memoryV1} is not writable by uid ${Deno.uid()} ` +
          "(cgroup v1 cannot be delegated to an unprivileged user)",
      };
    }
    const pids = ownV1Dir("pids", table, own);
    return { kind: "v1", memory: memoryV1, pids: pids && writable(pids) ? pids : undefined };
  }
  const unified = table.find((m) => m.fsType === "cgroup2");
  const line = own.find((l) => l.startsWith("0::"));
  if (unified && line) {
    const dir = join(unified.mountPoint, line.slice(3));
    const controllers = readText(join(dir, "cgroup.controllers")) ?? "";
    if (!controllers.split(/\s+/).includes("memory")) {
      return {
        kind: "none",
        reason: `the memory controller is not delegated to ${dir} (cgroup v2)`,
      };
    }
    if (!enableV2(dir) || !writable(dir)) {
      return {
        kind: "none",
        reason: `cannot make child cgroups with the memory controller under ${dir} ` +
          "(cgroup v2 needs a delegated cgroup with no processes of its own)",
      };
    }
    return { kind: "v2", memory: dir, pids: controllers.includes("pids") ? dir : undefined };
  }
  return { kind: "none", reason: "no cgroup memory controller is mounted" };
}

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function enableV2(dir: string): boolean {
  const enabled = readText(join(dir, "cgroup.subtree_control")) ?? "";
  if (enabled.split(/\s+/).includes("memory")) return true;
  try {
    Deno.writeTextFileSync(join(dir, "cgroup.subtree_control"), "+memory +pids");
    return true;
  } catch {
    try {
      Deno.writeTextFileSync(join(dir, "cgroup.subtree_control"), "+memory");
      return true;
    } catch {
      return false;
    }
  }
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
  const bytes = String(limits.memoryMb * MIB);
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
    let pids = memory;
    if (support.kind === "v1") {
      Deno.writeTextFileSync(join(memory, "memory.limit_in_bytes"), bytes);
      tryWrite(join(memory, "memory.memsw.limit_in_bytes"), bytes); // absent without swap accounting
      if (support.pids) {
        pids = made(support.pids);
        Deno.writeTextFileSync(join(pids, "pids.max"), String(limits.pidsLimit));
      }
    } else {
      Deno.writeTextFileSync(join(memory, "memory.max"), bytes);
      tryWrite(join(memory, "memory.swap.max"), "0");
      tryWrite(join(memory, "memory.oom.group"), "1");
      if (support.pids) Deno.writeTextFileSync(join(memory, "pids.max"), String(limits.pidsLimit));
    }
    return runCgroup(support.kind, memory, dirs);
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

function runCgroup(kind: "v1" | "v2", memory: string, dirs: string[]): RunCgroup {
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
  return {
    kind,
    procsFiles: dirs.map((dir) => join(dir, "cgroup.procs")),
    oomKilled() {
      const file = kind === "v1" ? "memory.oom_control" : "memory.events";
      const count = /^oom_kill (\d+)$/m.exec(readText(join(memory, file)) ?? "")?.[1];
      return Number(count ?? 0) > 0;
    },
    killAll,
    async remove() {
      // Exited processes leave the cgroup within a few ms (once reaped): poll briefly, then back
      // off, for up to ~2 s in all.
      for (let attempt = 0; attempt < 60; attempt++) {
        killAll();
        if (dirs.every((dir) => pidsIn(dir).length === 0)) break;
        await pause(attempt);
      }
      for (const dir of [...dirs].reverse()) {
        for (let attempt = 0; attempt < 60 && !tryRemove(dir); attempt++) await pause(attempt);
      }
    },
  };
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
