/**
 * Where this process may make cgroups for its runs: the cgroup v1 memory (and pids) hierarchy of
 * its own cgroup when writable, or its cgroup v2 folder when delegated. Measured once, by making
 * and removing a probe folder. Internal to `cgroup.ts`.
 *
 * @module
 */
import { join } from "node:path";

/** Which mechanism limits the memory of a whole run on this host. */
export type CgroupSupport =
  | { readonly kind: "v1" | "v2"; readonly memory: string; readonly pids: string | undefined }
  | { readonly kind: "none"; readonly reason: string };

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

export function exists(path: string): boolean {
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

export function readText(path: string): string | undefined {
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
