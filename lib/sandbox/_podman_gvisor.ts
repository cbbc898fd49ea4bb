/**
 * What the strict tier measures from the host when the skill's own view cannot be trusted to
 * show it: under gVisor (`runsc`) the skill sees gVisor's kernel, whose `/proc` and cgroup files
 * are emulated, so the cpu quota is read from the host's cgroup of the running container. Also
 * the optional doctor row saying whether gVisor could be used here.
 *
 * @module
 */
import { podman } from "./_podman_cli.ts";
import { detectPodmanHost, GVISOR_RUNTIME, onPath, type PodmanTarget } from "./_podman_host.ts";
import type { DoctorCheck } from "./doctor.ts";

/** What the host sees of a running container's main process. */
export interface HostView {
  /** Its `/proc/<pid>/uid_map`, as the host sees it. */
  readonly uidMap: string;
  /** The cpu quota (µs per 100000 µs) of its cgroup, or `undefined` when it has none. */
  readonly cpuQuota: number | undefined;
}

/**
 * The user namespace and cpu quota of a running container, read on the host from its main
 * process; `undefined` when the container is not running (yet).
 */
export async function hostView(name: string): Promise<HostView | undefined> {
  const out = await podman(["inspect", "--type", "container", "--format", "{{.State.Pid}}", name]);
  const pid = Number(out.stdout.trim());
  if (out.code !== 0 || !Number.isInteger(pid) || pid <= 0) return undefined;
  const uidMap = await Deno.readTextFile(`/proc/${pid}/uid_map`).catch(() => undefined);
  if (uidMap === undefined) return undefined;
  const cgroups = await Deno.readTextFile(`/proc/${pid}/cgroup`).catch(() => "");
  return { uidMap: uidMap.trim(), cpuQuota: await cpuQuotaOf(cgroups) };
}

async function cpuQuotaOf(cgroups: string): Promise<number | undefined> {
  for (const line of cgroups.split("\n")) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers!.split(",").includes("cpu")) {
      for (const mount of ["cpu", "cpu,cpuacct"]) {
        const text = await Deno.readTextFile(`/sys/fs/cgroup/${mount}${path}/cpu.cfs_quota_us`)
          .catch(() => undefined);
        if (text !== undefined) return positive(Number(text.trim()));
      }
    } else if (controllers === "") {
      const text = await Deno.readTextFile(`/sys/fs/cgroup${path}/cpu.max`).catch(() => undefined);
      if (text !== undefined) return positive(Number(text.trim().split(" ")[0]));
    }
  }
  return undefined;
}

function positive(n: number): number | undefined {
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The informational doctor row for gVisor when the strict tier runs on runc or crun: whether
 * `runsc` is installed and starts a container here, so `sandbox.runtime: "runsc"` would work.
 * Not one of the strict tier's required checks.
 */
export async function gvisorAvailability(
  target: () => Promise<PodmanTarget>,
): Promise<DoctorCheck> {
  const base = { id: "podman.gvisor", tier: "podman", label: "gVisor (runsc), optional" } as const;
  if (!(await onPath(GVISOR_RUNTIME))) {
    return {
      ...base,
      ok: false,
      detail: "runsc is not installed; the strict tier uses runc or crun",
      fix: 'apt-get install -y runsc, then "runtime": "runsc" in the sandbox section',
    };
  }
  try {
    await detectPodmanHost(await target(), GVISOR_RUNTIME);
    return {
      ...base,
      ok: true,
      detail: 'runsc starts containers here; "runtime": "runsc" in the sandbox section uses it',
    };
  } catch (error) {
    return {
      ...base,
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}
