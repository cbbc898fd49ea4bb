/**
 * Builds the `podman run` command line of one strict-tier run from a {@linkcode SandboxRunSpec}.
 * Pure: no I/O, so every flag is unit-tested.
 *
 * @module
 */
import { denoFlagsOf } from "./permissions.ts";
import type { SandboxRunSpec } from "./tier.ts";
import { ROOTFS_DENO } from "./rootfs.ts";

/** How long after the run's timeout conmon kills the container if mcpx could not. */
export const BACKSTOP_SECONDS = 5;

/** Size of the writable `/tmp` (noexec) inside the container. */
export const TMPFS_SIZE = "64m";

/** What the run needs besides the spec. */
export interface PodmanRunContext {
  /** The OCI runtime to use. */
  readonly runtime: string;
  /** Its `--runtime-flag`s. */
  readonly runtimeArgs: readonly string[];
  /** Whether it is gVisor (`runsc`), whose limits need other flags (see `pidsArgs`). */
  readonly gvisor: boolean;
  /** Locally built root filesystem, or … */
  readonly rootfs?: string;
  /** … a container image holding `deno` on PATH. */
  readonly image?: string;
  /** User-namespace flags (`--userns=keep-id` or `--uidmap`/`--gidmap`). */
  readonly userNamespaceArgs: readonly string[];
  /** `--user` value, never root. */
  readonly containerUser: string;
  /** Extra `--ulimit` flags. */
  readonly ulimitArgs: readonly string[];
  /** File holding the skill's environment (`--env-file`), so values never show in `ps`. */
  readonly envFile: string;
}

/** A bind mount at the same path inside the container. */
export interface Mount {
  /** Host path, also the container path. */
  readonly path: string;
  /** Whether the container may write it. */
  readonly writable: boolean;
}

/** The container's name for a run id. */
export function containerName(runId: string): string {
  return `mcpx-${runId}`;
}

/**
 * The bind mounts of a run, each a path the grant names (never a file the module graph
 * happened to touch): `grant.write` and the bridge directory writable; `grant.code` (the
 * skill's folder, `servers/`, mcpx's library, the Deno cache's `npm/`, `remote/`, `gen/`),
 * `grant.read` and the `support` files Deno opens itself (`deno.json`, `deno.lock`, an import
 * map) read-only. A path listed both ways is writable once; duplicates are dropped. The entry
 * is a `data:` module or a file inside `grant.code`: nothing else is mounted for it.
 */
export function runMounts(spec: SandboxRunSpec): Mount[] {
  const writable = new Set([...spec.grant.write, spec.bridgeDir]);
  const readOnly = new Set([...spec.grant.code, ...spec.grant.read, ...spec.support]);
  const mounts: Mount[] = [...writable].map((path) => ({ path, writable: true }));
  for (const path of readOnly) {
    if (!writable.has(path)) mounts.push({ path, writable: false });
  }
  return mounts;
}

/** The arguments after `podman` for one run. */
export function buildRunArgs(
  spec: SandboxRunSpec,
  context: PodmanRunContext,
  mounts: readonly Mount[],
): string[] {
  const where = context.image !== undefined
    ? ["--pull=never", context.image]
    : ["--rootfs", `${context.rootfs}:O`];
  const deno = context.image !== undefined ? "deno" : ROOTFS_DENO;
  return [
    "run",
    // Removed on exit by conmon even if mcpx itself dies; --timeout is conmon's own backstop
    // for the wall-clock limit (mcpx kills the container first, at exactly timeoutMs).
    "--rm",
    `--timeout=${Math.ceil(spec.grant.limits.timeoutMs / 1000) + BACKSTOP_SECONDS}`,
    "--name",
    containerName(spec.runId),
    "--runtime",
    context.runtime,
    ...context.runtimeArgs,
    "--network=none",
    "--read-only",
    "--read-only-tmpfs=false",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
    ...context.userNamespaceArgs,
    "--user",
    context.containerUser,
    ...pidsArgs(spec.grant.limits.pidsLimit, context.gvisor),
    `--memory=${spec.grant.limits.memoryMb}m`,
    `--memory-swap=${spec.grant.limits.memoryMb}m`,
    `--cpus=${spec.grant.limits.cpus}`,
    ...context.ulimitArgs,
    `--tmpfs=/tmp:rw,noexec,nosuid,nodev,size=${TMPFS_SIZE}`,
    "--hostname=mcpx",
    // Not the host's /etc/hosts (its entries name the host's machines).
    "--no-hosts",
    // podman copies the host's *_proxy variables into containers by default: a credential leak.
    "--http-proxy=false",
    `--env-file=${context.envFile}`,
    `--workdir=${spec.cwd}`,
    ...mounts.map((m) => `--mount=type=bind,src=${m.path},dst=${m.path},ro=${!m.writable}`),
    ...where,
    deno,
    "run",
    ...containerDenoFlags(spec),
    spec.entry,
    ...spec.entryArgs,
  ];
}

/** Host threads gVisor's own processes (the Sentry and the gofer) need besides the skill's. */
export const GVISOR_HOST_THREADS = 128;

/**
 * The process limit. With runc or crun the kernel's pids cgroup counts the skill's processes
 * and threads directly. Under gVisor the skill's threads are gVisor tasks, not host threads:
 * gVisor's kernel bounds them with `RLIMIT_NPROC` (`--ulimit nproc`, which it enforces per
 * user), and the host's pids cgroup bounds gVisor's own threads, with room for its Go runtime.
 */
export function pidsArgs(pidsLimit: number, gvisor: boolean): string[] {
  if (!gvisor) return [`--pids-limit=${pidsLimit}`];
  return [
    `--pids-limit=${pidsLimit + GVISOR_HOST_THREADS}`,
    `--ulimit=nproc=${pidsLimit}:${pidsLimit}`,
  ];
}

/** The Deno flags inside the container: the grant's, or `--allow-all` for a battery run that
 * stands for code which escaped Deno's permissions ({@linkcode SandboxRunSpec.escapedDeno}). */
export function containerDenoFlags(spec: SandboxRunSpec): string[] {
  const flags = denoFlagsOf(spec);
  if (!spec.escapedDeno) return flags;
  return ["--allow-all", ...flags.filter((f) => !/^--(allow|deny)-|^--v8-flags=/.test(f))];
}
