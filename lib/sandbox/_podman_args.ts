/**
 * Builds the `podman run` command line of one strict-tier run from a {@linkcode SandboxRunSpec}.
 * Pure: no I/O, so every flag is unit-tested.
 *
 * @module
 */
import { dirname } from "node:path";
import { fromFileUrl } from "./_podman_path.ts";
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

/** The entry as a host path, or `undefined` for a remote URL. */
export function entryPath(entry: string): string | undefined {
  if (entry.startsWith("file:")) return fromFileUrl(entry);
  return entry.startsWith("/") ? entry : undefined;
}

/**
 * The bind mounts of a run: read-write paths and the bridge directory writable; read-only paths,
 * the entry's folder and `extraReadOnly` read-only; a path listed both ways is writable once;
 * duplicates are dropped.
 */
export function runMounts(spec: SandboxRunSpec, extraReadOnly: readonly string[]): Mount[] {
  const writable = new Set([...spec.grant.write, spec.bridgeDir]);
  // The entry's folder, not just the file: Deno loads the entry's relative imports without any
  // read permission, so they must be there. Anything farther away comes from the grant.
  const entry = entryPath(spec.entry);
  const entryDir = entry === undefined ? [] : [dirname(entry)];
  const readOnly = new Set([
    ...spec.grant.code,
    ...spec.grant.read,
    ...spec.support,
    ...extraReadOnly,
    ...entryDir,
  ]);
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
    "--network=none",
    "--read-only",
    "--read-only-tmpfs=false",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
    ...context.userNamespaceArgs,
    "--user",
    context.containerUser,
    `--pids-limit=${spec.grant.limits.pidsLimit}`,
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

/** The Deno flags inside the container: the grant's, or `--allow-all` for a battery run that
 * stands for code which escaped Deno's permissions ({@linkcode SandboxRunSpec.escapedDeno}). */
export function containerDenoFlags(spec: SandboxRunSpec): string[] {
  const flags = denoFlagsOf(spec);
  if (!spec.escapedDeno) return flags;
  return ["--allow-all", ...flags.filter((f) => !/^--(allow|deny)-|^--v8-flags=/.test(f))];
}
