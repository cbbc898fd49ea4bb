/**
 * The podman half of `mcpx doctor`: starts one small container per guarantee through the real
 * podman tier and reports what the container could and could not do.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { DoctorCheck } from "./doctor.ts";
import {
  detectPodmanHost,
  GVISOR_RUNTIME,
  type PodmanHost,
  type PodmanTarget,
  requestedRuntime,
} from "./_podman_host.ts";
import { ensureRootfsImage } from "./_podman_image.ts";
import { ensureRootfs } from "./rootfs.ts";
import { createPodmanTier, defaultDenoDir } from "./podman_tier.ts";
import { containerName } from "./_podman_args.ts";
import { gvisorAvailability, type HostView, hostView } from "./_podman_gvisor.ts";
import { makeGrant } from "./grant.ts";
import type { SandboxRunOutcome } from "./tier.ts";

/** Limits the measuring containers ask for. */
const MEMORY_MB = 96;
const PIDS = 24;
const CPUS = 0.5;

interface Measured {
  outcome: SandboxRunOutcome;
  report: Record<string, unknown>;
  stderr: string;
}

/**
 * The strict tier's doctor rows after `podman.present`: finds what containers start from (the
 * configured image, else the local root filesystem; as an image under gVisor) and the OCI
 * runtime (`runtime` when configured: only that one), measures every guarantee through the real
 * tier, and adds whether gVisor could be used when it is not. `lib/sandbox/doctor.ts` calls it.
 */
export async function measureStrictTier(
  options: { image?: string | undefined; runtime?: string | undefined },
): Promise<DoctorCheck[]> {
  const image = options.image;
  const runtime = requestedRuntime(options.runtime);
  let target: PodmanTarget;
  let host: PodmanHost;
  try {
    if (image !== undefined) target = { image };
    else {
      const built = await ensureRootfs();
      target = runtime === GVISOR_RUNTIME
        ? { image: await ensureRootfsImage(built) }
        : { rootfs: built.path };
    }
    host = await detectPodmanHost(target, runtime);
  } catch (error) {
    return [{
      id: "podman.runtime",
      tier: "podman",
      label: "containers start",
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
      fix: "see the detail; .ci/podman-setup shows a working setup",
    }];
  }
  const checks = await measurePodman(host, target);
  if (!host.gvisor) {
    checks.push(
      await gvisorAvailability(async () =>
        image !== undefined ? { image } : { image: await ensureRootfsImage(await ensureRootfs()) }
      ),
    );
  }
  return checks;
}

/** Runs the measuring containers and turns what they saw into checks. */
export async function measurePodman(
  host: PodmanHost,
  where: PodmanTarget,
): Promise<DoctorCheck[]> {
  const target = { ...where, runtime: host.runtime };
  const cgroupV2 = await isCgroupV2();
  const limitsFix = host.rootless
    ? cgroupV2
      ? "delegate the memory, pids and cpu controllers to this user (systemd Delegate=), or run mcpx as root"
      : "rootless podman on cgroup v1 ignores limits: run mcpx as root (containers still get a user namespace), or boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) and delegate the controllers"
    : "check the podman and runc versions; the cgroup controller may be missing";
  const mode = host.rootless ? "rootless" : "root, with a user namespace";
  const checks: DoctorCheck[] = [{
    id: "podman.runtime",
    tier: "podman",
    label: "containers start",
    ok: true,
    detail: `OCI runtime ${host.runtime}${
      host.runtimeNotes.length ? ` (${host.runtimeNotes.join("; ")})` : ""
    }; ${mode}; cgroup ${cgroupV2 ? "v2" : "v1"}`,
  }];
  const project = await Deno.makeTempDir({ prefix: "mcpx_doctor_" });
  try {
    const probe = join(project, "probe", "doctor_probe.ts");
    await Deno.mkdir(join(project, "probe"), { mode: 0o755 });
    await Deno.chmod(project, 0o755);
    const source = await (await fetch(new URL("./_podman_doctor_probe.ts", import.meta.url)))
      .text();
    await Deno.writeTextFile(probe, source, { mode: 0o644 });
    const run = (
      action: string,
      limits: { memoryMb?: number; pids?: number; cpus?: number },
      during?: (container: string) => Promise<void>,
    ) => runProbe(project, probe, action, target, limits, during);

    const identity = await run("identity", {});
    const id = identity.report;
    const uid = Number(id.uid);
    // Under gVisor the skill sees gVisor's own uid_map and cgroup files: the container's user
    // namespace and cpu quota are read on the host, from its running process.
    let seen: HostView | undefined;
    if (host.gvisor) {
      await run("hold", { cpus: CPUS }, async (container) => {
        for (let i = 0; i < 40 && seen?.cpuQuota === undefined; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          seen = await hostView(container);
        }
      });
    }
    const map = host.gvisor ? seen?.uidMap ?? "" : String(id.uidMap ?? "");
    const ownNamespace = map !== "" && !/^0\s+0\s+4294967295$/.test(map.trim());
    checks.push({
      id: "podman.userns",
      tier: "podman",
      label: "non-root user in a user namespace",
      ok: uid !== 0 && ownNamespace,
      detail: host.gvisor
        ? `the skill ran as uid ${uid} on gVisor, whose Sentry runs in its own user namespace ` +
          `(host uid_map "${map.replace(/\s+/g, " ")}"); its files belong to host uid ` +
          `${host.hostUid}`
        : `the skill ran as uid ${uid} (host uid ${host.hostUid}); uid_map "${
          map.replace(/\s+/g, " ")
        }"`,
      ...(uid !== 0 && ownNamespace ? {} : { fix: "install uidmap and add /etc/subuid entries" }),
    });
    checks.push({
      id: "podman.read_only_root",
      tier: "podman",
      label: "read-only root",
      ok: id.rootReadOnly === true,
      detail: id.rootReadOnly === true ? "a write to / was refused" : "a write to / succeeded",
    });
    const isolated = id.networkRefused === true &&
      JSON.stringify(id.interfaces) === JSON.stringify(["lo"]);
    checks.push({
      id: "podman.network",
      tier: "podman",
      label: "no network",
      ok: isolated,
      detail: `interfaces ${JSON.stringify(id.interfaces)}; a connection out was ${
        id.networkRefused === true ? "refused" : "made"
      }`,
    });

    if (host.gvisor) {
      const kernel = String(id.kernel ?? "");
      const onGvisor = /^Linux version 4\.4\.0 /.test(kernel) && !kernel.includes(Deno.osRelease());
      checks.push({
        id: "podman.gvisor",
        tier: "podman",
        label: "gVisor (runsc) kernel",
        ok: onGvisor,
        detail: onGvisor
          ? `the skill ran on gVisor's user-space kernel ("${
            kernel.slice(0, 40)
          }…"), not the host's`
          : `the skill saw the host's kernel ("${kernel.slice(0, 60)}")`,
        ...(onGvisor ? {} : { fix: "check runsc --version and podman's --runtime" }),
      });
    }

    const memory = await run("memory", { memoryMb: MEMORY_MB });
    const memoryHeld = memory.outcome.killed === "memory";
    checks.push({
      id: "podman.memory",
      tier: "podman",
      label: "memory limit",
      ok: memoryHeld,
      detail: memoryHeld
        ? `a container allocating 512 MiB under --memory=${MEMORY_MB}m was killed`
        : `a container allocated 512 MiB under --memory=${MEMORY_MB}m and survived`,
      ...(memoryHeld ? {} : { fix: limitsFix }),
    });

    const threads = await run("threads", { pids: PIDS });
    const started = Number(threads.report.started ?? 0);
    const pidsHeld = threads.outcome.code !== 0 || started < 48;
    checks.push({
      id: "podman.pids",
      tier: "podman",
      label: "pids limit",
      ok: pidsHeld,
      detail: `a thread bomb under ${
        host.gvisor ? `gVisor's RLIMIT_NPROC of ${PIDS}` : `--pids-limit=${PIDS}`
      } ${pidsHeld ? `was stopped after ${started} threads` : "started 48 threads"}`,
      ...(pidsHeld ? {} : { fix: limitsFix }),
    });

    const cpu = host.gvisor ? undefined : await run("cpu", { cpus: CPUS });
    const quota = cpu === undefined
      ? seen?.cpuQuota ?? NaN
      : Number(cpu.report.v1 ?? String(cpu.report.v2 ?? "max").split(" ")[0]);
    const cpuHeld = Number.isFinite(quota) && quota > 0;
    checks.push({
      id: "podman.cpu",
      tier: "podman",
      label: "cpu limit",
      ok: cpuHeld,
      detail: cpuHeld
        ? `under --cpus=${CPUS} the kernel applies a quota of ${quota} µs per 100000 µs`
        : `under --cpus=${CPUS} the container saw no cpu quota`,
      ...(cpuHeld ? {} : { fix: limitsFix }),
    });
  } catch (error) {
    checks.push({
      id: "podman.measure",
      tier: "podman",
      label: "measurement",
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    });
  } finally {
    await Deno.remove(project, { recursive: true }).catch(() => undefined);
  }
  return checks;
}

async function runProbe(
  project: string,
  probe: string,
  action: string,
  target: PodmanTarget & { runtime: string },
  limits: { memoryMb?: number; pids?: number; cpus?: number },
  during?: (container: string) => Promise<void>,
): Promise<Measured> {
  const workspace = await Deno.makeTempDir({ dir: project, prefix: "ws_" });
  const bridgeDir = await Deno.makeTempDir({ dir: project, prefix: "bridge_" });
  let stdout = "";
  let stderr = "";
  const tier = createPodmanTier(target);
  const runId = `doctor-${crypto.randomUUID().slice(0, 8)}`;
  const watching = during?.(containerName(runId));
  const outcome = await tier.run({
    runId,
    entry: probe,
    entryArgs: [action],
    grant: makeGrant({
      code: [dirname(probe)],
      write: [workspace],
      limits: {
        memoryMb: limits.memoryMb ?? 256,
        cpus: limits.cpus ?? 1,
        pidsLimit: limits.pids ?? 64,
        outputLimitBytes: 65536,
      },
    }),
    deno: { lock: "none", denoDir: defaultDenoDir() },
    support: [],
    escapedDeno: true,
    cwd: workspace,
    env: { HOME: workspace, NO_COLOR: "1" },
    bridgeDir,
    bridgeSocket: `${bridgeDir}/bridge.sock`,
    onStdout: (chunk) => stdout += new TextDecoder().decode(chunk),
    onStderr: (chunk) => stderr += new TextDecoder().decode(chunk),
  });
  await watching;
  const line = stdout.trim().split("\n").findLast((l) => l.startsWith("{"));
  return { outcome, report: line ? JSON.parse(line) : {}, stderr };
}

async function isCgroupV2(): Promise<boolean> {
  const mounts = await Deno.readTextFile("/proc/mounts").catch(() => "");
  return mounts.split("\n").some((line) => /^\S+ \/sys\/fs\/cgroup cgroup2 /.test(line));
}
