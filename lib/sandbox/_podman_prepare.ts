/**
 * Host-side preparation of one strict-tier run: the checks that refuse a run the tier cannot
 * honour (network, unmountable paths), the `--env-file`, and, when mcpx runs as root, handing
 * the workspace and the bridge directory to the unprivileged host uid the skill runs as.
 *
 * @module
 */
import { join } from "node:path";
import { SandboxError } from "../errors.ts";
import type { Mount } from "./_podman_args.ts";
import { chownTreeNoFollow, type Owner } from "./_podman_chown.ts";
import { formatNetGrant } from "./permissions.ts";
import type { SandboxRunSpec } from "./tier.ts";

/** Hosts the run's grant names; empty when none. */
export function requestedNetwork(spec: SandboxRunSpec): string[] {
  return spec.grant.net.map(formatNetGrant);
}

/** Refuses a run that needs the network: the podman tier has none, by design. */
export function refuseNetwork(spec: SandboxRunSpec): void {
  const hosts = requestedNetwork(spec);
  if (hosts.length === 0) return;
  throw new SandboxError(
    "SANDBOX_UNAVAILABLE",
    `The skill needs network access to ${hosts.join(", ")}, but the podman tier has no ` +
      `network (--network=none). Run it with --tier deno, which allows only the declared hosts.`,
    { data: { hosts } },
  );
}

/** Keeps the mounts whose host path exists; refuses paths podman's `--mount` cannot express. */
export async function existingMounts(mounts: readonly Mount[]): Promise<Mount[]> {
  const kept: Mount[] = [];
  for (const mount of mounts) {
    if (/[,\n=]/.test(mount.path)) {
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `Cannot mount "${mount.path}" into the podman tier: paths with ",", "=" or a newline ` +
          `cannot be bind-mounted. Rename the path or use --tier deno.`,
      );
    }
    if (await Deno.lstat(mount.path).then(() => true, () => false)) kept.push(mount);
  }
  return kept;
}

/**
 * Refuses mounts gVisor cannot make: runsc's gofer opens every mount source as the container's
 * root, which as root is the unprivileged host uid `uid` (the start of the subordinate range),
 * so every directory above a mount source must be searchable by it. runc would mount them
 * anyway; gVisor fails with a bare "cannot create sandbox", so this says which directory and how
 * to fix it instead.
 */
export async function assertGoferReaches(
  mounts: readonly Mount[],
  owner: { uid: number; gid: number },
): Promise<void> {
  const checked = new Set<string>();
  for (const mount of mounts) {
    const parts = mount.path.split("/").filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join("/")}`;
      if (checked.has(dir)) continue;
      checked.add(dir);
      const info = await Deno.stat(dir);
      const mode = info.mode ?? 0;
      const searchable = (mode & 0o001) !== 0 ||
        (info.uid === owner.uid && (mode & 0o100) !== 0) ||
        (info.gid === owner.gid && (mode & 0o010) !== 0);
      if (searchable) continue;
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `gVisor (sandbox.runtime "runsc") cannot mount "${mount.path}": its gofer runs as host ` +
          `uid ${owner.uid} and cannot enter "${dir}" (mode ${
            (mode & 0o7777).toString(8).padStart(4, "0")
          }, owner ${info.uid}). Make it searchable ("chmod o+x ${dir}"), keep the project and ` +
          `DENO_DIR under searchable directories, or remove sandbox.runtime to use runc.`,
        { data: { path: mount.path, directory: dir } },
      );
    }
  }
}

/** Writes the skill's environment to a private file for `--env-file`. */
export async function writeEnvFile(dir: string, env: Readonly<Record<string, string>>) {
  const lines = Object.entries(env).map(([key, value]) => {
    if (/[\n\r]/.test(value) || /[=\s]/.test(key)) {
      throw new SandboxError(
        "SANDBOX_ERROR",
        `Cannot pass environment variable "${key}" to the podman tier: names may not hold "=" ` +
          `or spaces and values may not hold newlines. Pass the value as an argument instead.`,
      );
    }
    return `${key}=${value}\n`;
  });
  const file = join(dir, "env");
  await Deno.writeTextFile(file, lines.join(""), { mode: 0o600 });
  return file;
}

/**
 * As root, the skill runs as an unprivileged host uid (the user namespace maps it there). It
 * gets the bridge directory and the workspace (`spec.cwd`) by ownership, handed over without
 * following any symlink or hard link; any other writable path must already be writable by that
 * uid, else the run is refused with the fix.
 */
export async function handOverWritablePaths(
  spec: SandboxRunSpec,
  mounts: readonly Mount[],
  owner: { uid: number; gid: number },
): Promise<void> {
  await chownTree(spec.bridgeDir, owner);
  for (const mount of mounts) {
    if (!mount.writable || mount.path === spec.bridgeDir) continue;
    if (mount.path === spec.cwd) {
      if ((await Deno.stat(mount.path)).uid !== owner.uid) await chownTree(mount.path, owner);
      continue;
    }
    const info = await Deno.stat(mount.path);
    const mode = info.mode ?? 0;
    if (info.uid !== owner.uid && (mode & 0o002) === 0) {
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `The podman tier runs the skill as host uid ${owner.uid} (a user namespace, because ` +
          `mcpx runs as root); it cannot write "${mount.path}". Run ` +
          `"chown -R ${owner.uid}:${owner.gid} ${mount.path}", or run mcpx as an unprivileged ` +
          `user (rootless podman).`,
      );
    }
  }
}

/** Hands a root filesystem to the container's (subordinate) root, once. */
export async function adoptRootfs(rootfs: string, uid: number, gid: number): Promise<void> {
  const info = await Deno.stat(rootfs);
  if (info.uid === uid && info.gid === gid) return;
  await chownTree(rootfs, { uid, gid });
}

/** Hands a tree to `owner` without following any link (see `_podman_chown.ts`). */
async function chownTree(path: string, owner: Owner) {
  try {
    await chownTreeNoFollow(path, owner);
  } catch (cause) {
    throw new SandboxError(
      "SANDBOX_ERROR",
      `Cannot hand "${path}" to the sandbox uid ${owner.uid}: ${
        cause instanceof Error ? cause.message : String(cause)
      }. Check that the path is a directory (not a symlink) on a local file system.`,
      { cause },
    );
  }
}
