/**
 * Facts about this host that shape a `podman run`: rootless or root, which OCI runtime works,
 * and which host ids the container's user maps to. Measured once per process.
 *
 * @module
 */
import { delimiter, join } from "node:path";
import { SandboxError } from "../errors.ts";
import { podman, podmanCommand } from "./_podman_cli.ts";
import { ROOTFS_DENO, SANDBOX_UID } from "./rootfs.ts";

/** How containers are started on this host. */
export interface PodmanHost {
  /** `true` when mcpx runs as a non-root user (rootless podman). */
  readonly rootless: boolean;
  /** The OCI runtime that works here (`crun`, `runc`, or `runsc` when asked for). */
  readonly runtime: string;
  /** Whether the runtime is gVisor (`runsc`): the skill runs on gVisor's user-space kernel. */
  readonly gvisor: boolean;
  /** `--runtime-flag` arguments the runtime needs (gVisor: no network stack, the bridge's Unix
   * socket reachable). */
  readonly runtimeArgs: readonly string[];
  /** Why other runtimes were passed over, one line each. */
  readonly runtimeNotes: readonly string[];
  /** Flags giving the container its own user namespace. */
  readonly userNamespaceArgs: readonly string[];
  /** The `uid:gid` the skill runs as inside the container (never 0). */
  readonly containerUser: string;
  /** The host uid that the container's user is (what owns files it writes). */
  readonly hostUid: number;
  /** The host gid that the container's group is. */
  readonly hostGid: number;
  /** As root: the subordinate ranges the container's ids map onto. */
  readonly ranges?: { readonly users: IdRange; readonly groups: IdRange };
}

/** Who the skill is, for one run. */
export type RunIdentity = Pick<
  PodmanHost,
  "userNamespaceArgs" | "containerUser" | "hostUid" | "hostGid"
>;

/** A subordinate id range from `/etc/subuid` or `/etc/subgid`. */
export interface IdRange {
  /** First host id. */
  readonly start: number;
  /** Number of ids. */
  readonly count: number;
}

/** The default range root maps containers to when `/etc/subuid` has no `root:` line. */
export const DEFAULT_ROOT_RANGE: IdRange = { start: 100000, count: 65536 };

/** Reads `user`'s first range from a `/etc/subuid`-style file. */
export async function readIdRange(file: string, user: string): Promise<IdRange | undefined> {
  const text = await Deno.readTextFile(file).catch(() => "");
  for (const line of text.split("\n")) {
    const [name, start, count] = line.trim().split(":");
    if (name === user && start !== undefined && count !== undefined) {
      return { start: Number(start), count: Number(count) };
    }
  }
  return undefined;
}

/** Whether `name` is an executable on PATH. */
export async function onPath(name: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    if (!dir) continue;
    const info = await Deno.stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile && ((info.mode ?? 0) & 0o111) !== 0) return true;
  }
  return false;
}

/** The user-namespace part of the facts, without probing runtimes. */
export async function userNamespace(): Promise<
  Omit<PodmanHost, "runtime" | "runtimeNotes" | "gvisor" | "runtimeArgs">
> {
  const uid = Deno.uid() ?? 0;
  const gid = Deno.gid() ?? 0;
  if (uid !== 0) {
    // Rootless: keep-id maps our own uid into the container, so the workspace we own stays
    // writable and everything else we cannot touch stays untouchable.
    return {
      rootless: true,
      userNamespaceArgs: ["--userns=keep-id"],
      containerUser: `${uid}:${gid}`,
      hostUid: uid,
      hostGid: gid,
    };
  }
  // Root: map the container's ids onto an unprivileged host range, so that neither container
  // root nor the skill's user is host root.
  const users = await readIdRange("/etc/subuid", "root") ?? DEFAULT_ROOT_RANGE;
  const groups = await readIdRange("/etc/subgid", "root") ?? DEFAULT_ROOT_RANGE;
  return {
    rootless: false,
    userNamespaceArgs: [
      `--uidmap=0:${users.start}:${users.count}`,
      `--gidmap=0:${groups.start}:${groups.count}`,
    ],
    containerUser: `${SANDBOX_UID}:${SANDBOX_UID}`,
    hostUid: users.start + SANDBOX_UID,
    hostGid: groups.start + SANDBOX_UID,
    ranges: { users, groups },
  };
}

/**
 * As root, when the workspace belongs to an unprivileged user (outside the subordinate ranges),
 * the skill becomes that user: container uid 1000 maps to the owner, everything else to the
 * subordinate range. Files the skill writes then belong to the workspace's owner and nothing
 * needs a `chown`. Otherwise (a root-owned workspace) the default identity stays.
 */
export function identityForWorkspace(
  host: PodmanHost,
  owner: { uid: number; gid: number },
): RunIdentity {
  const ranges = host.ranges;
  if (host.rootless || ranges === undefined || owner.uid === 0 || owner.gid === 0) return host;
  const inside = (id: number, range: IdRange) =>
    id >= range.start && id < range.start + range.count;
  if (inside(owner.uid, ranges.users) || inside(owner.gid, ranges.groups)) return host;
  const map = (flag: string, range: IdRange, id: number) => [
    `${flag}=0:${range.start}:${SANDBOX_UID}`,
    `${flag}=${SANDBOX_UID}:${id}:1`,
    `${flag}=${SANDBOX_UID + 1}:${range.start + SANDBOX_UID + 1}:${range.count - SANDBOX_UID - 1}`,
  ];
  return {
    userNamespaceArgs: [
      ...map("--uidmap", ranges.users, owner.uid),
      ...map("--gidmap", ranges.groups, owner.gid),
    ],
    containerUser: host.containerUser,
    hostUid: owner.uid,
    hostGid: owner.gid,
  };
}

/** gVisor's runtime. */
export const GVISOR_RUNTIME = "runsc";

/**
 * The `--runtime-flag`s gVisor needs here: `network=none` (podman's `--network=none` alone makes
 * runsc refuse to start: it will not run in the host's network namespace), and `host-uds=open`
 * so the skill can connect to the bridge's Unix socket (it cannot create host sockets).
 */
export const GVISOR_RUNTIME_ARGS: readonly string[] = [
  "--runtime-flag=network=none",
  "--runtime-flag=host-uds=open",
];

const cache = new Map<string, Promise<PodmanHost>>();

/** The OCI runtime asked for: `sandbox.runtime` when given, else `$MCPX_PODMAN_RUNTIME`. */
export function requestedRuntime(configured?: string): string | undefined {
  return configured ?? (Deno.env.get("MCPX_PODMAN_RUNTIME") || undefined);
}

/** What a container is started from. */
export type PodmanTarget = { rootfs: string } | { image: string };

/**
 * Probes the host once per process, target and runtime. With `requested` (the config's
 * `sandbox.runtime`, else `$MCPX_PODMAN_RUNTIME`) only that runtime is tried and a failure is a
 * refusal naming it, never a fallback to another runtime; otherwise the first of `crun`, `runc`
 * that starts a trivial container (crun refuses some hybrid cgroup layouts).
 */
export function detectPodmanHost(target: PodmanTarget, requested?: string): Promise<PodmanHost> {
  const runtime = requestedRuntime(requested);
  const key = JSON.stringify([target, runtime]);
  let found = cache.get(key);
  if (!found) {
    found = probe(target, runtime);
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

async function probe(target: PodmanTarget, explicit: string | undefined): Promise<PodmanHost> {
  const ns = await userNamespace();
  const candidates = explicit ? [explicit] : ["crun", "runc"];
  const notes: string[] = [];
  for (const runtime of candidates) {
    const gvisor = runtime === GVISOR_RUNTIME;
    const runtimeArgs = gvisor ? GVISOR_RUNTIME_ARGS : [];
    if (!(await onPath(runtime)) && !runtime.includes("/")) {
      if (explicit) throw missingRuntime(runtime);
      notes.push(`${runtime}: not installed`);
      continue;
    }
    const where = "rootfs" in target
      ? ["--rootfs", `${target.rootfs}:O`]
      : ["--pull=never", target.image];
    const out = await podmanOrExplain([
      "run",
      "--rm",
      "--runtime",
      runtime,
      ...runtimeArgs,
      "--network=none",
      ...ulimitArgs(ns.rootless, gvisor),
      ...ns.userNamespaceArgs,
      "--user",
      ns.containerUser,
      ...where,
      "rootfs" in target ? ROOTFS_DENO : "deno",
      "--version",
    ]);
    if (out.code === 0) return { ...ns, runtime, runtimeNotes: notes, gvisor, runtimeArgs };
    if ("image" in target && /image not known/.test(out.stderr)) {
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `sandbox.image "${target.image}" is not in podman's local image store (see "podman ` +
          `images"; no registry is pulled from). Build it as container/README.md shows, or ` +
          `remove "image" from mcp_config.json to use the locally built root filesystem.`,
      );
    }
    if (explicit) {
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `The podman tier was asked to use the OCI runtime "${runtime}" (sandbox.runtime or ` +
          `MCPX_PODMAN_RUNTIME), which cannot start a container here: ${lastLine(out.stderr)}. ` +
          `Nothing falls back to another runtime; run "mcpx doctor" for details, or remove ` +
          `sandbox.runtime.`,
      );
    }
    notes.push(`${runtime}: ${lastLine(out.stderr)}`);
  }
  throw new SandboxError(
    "SANDBOX_UNAVAILABLE",
    `podman cannot start a container with any OCI runtime (${notes.join("; ")}). Run ` +
      `"mcpx doctor" for details; install runc or crun, or set MCPX_PODMAN_RUNTIME.`,
  );
}

function missingRuntime(runtime: string): SandboxError {
  const install = runtime === GVISOR_RUNTIME
    ? "apt-get install -y runsc (Debian/Ubuntu) or gVisor's own packages"
    : `install ${runtime}`;
  return new SandboxError(
    "SANDBOX_UNAVAILABLE",
    `sandbox.runtime asks for the OCI runtime "${runtime}", which is not installed here: ` +
      `${install}, or remove sandbox.runtime to use runc or crun. Nothing falls back to ` +
      `another runtime.`,
  );
}

/** Runs podman; when it cannot even start, says so as a `SANDBOX_UNAVAILABLE`. */
async function podmanOrExplain(args: readonly string[]) {
  try {
    return await podman(args);
  } catch (cause) {
    throw new SandboxError(
      "SANDBOX_UNAVAILABLE",
      `The podman tier needs podman, but "${podmanCommand()}" cannot be started ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). Install podman ` +
        `(apt-get install podman runc uidmap slirp4netns fuse-overlayfs), or use --tier deno.`,
      { cause },
    );
  }
}

/** `--ulimit` flags: as root podman needs nofile and nproc set explicitly; under gVisor nproc
 * is the run's process limit instead (see `pidsArgs` in `_podman_args.ts`). */
export function ulimitArgs(rootless: boolean, gvisor = false): string[] {
  if (rootless) return [];
  return gvisor ? ["--ulimit=nofile=4096:4096"] : [
    "--ulimit=nofile=4096:4096",
    "--ulimit=nproc=4096:4096",
  ];
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n").filter((line) => line.trim() !== "");
  return (lines.at(-1) ?? "failed without a message").slice(0, 300);
}
