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
import type { SandboxRunSpec } from "./tier.ts";

/**
 * Hosts the skill's `--allow-net` flags declare (unix sockets excluded); empty when none.
 * `--allow-all` is not a declaration (the battery uses it to stand for a skill that escaped Deno's
 * permissions; the container still has no network).
 */
export function requestedNetwork(denoFlags: readonly string[]): string[] {
  const hosts: string[] = [];
  for (const flag of denoFlags) {
    if (flag === "--allow-net" || flag === "-N") {
      hosts.push("any host");
    } else if (flag.startsWith("--allow-net=")) {
      const list = flag.slice("--allow-net=".length).split(",");
      hosts.push(...list.filter((h) => h !== "" && !h.startsWith("unix:")));
    }
  }
  return hosts;
}

/** Refuses a run that needs the network: the podman tier has none, by design. */
export function refuseNetwork(spec: SandboxRunSpec): void {
  const hosts = requestedNetwork(spec.denoFlags);
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
 * gets the bridge directory and the workspace (`spec.cwd`) by ownership; any other writable
 * path must already be writable by that uid, else the run is refused with the fix.
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

/** `chown -R -h -P`: never follows a symlink the skill may have planted. */
async function chownTree(path: string, owner: { uid: number; gid: number }) {
  const out = await new Deno.Command("chown", {
    args: ["-R", "-h", "-P", `${owner.uid}:${owner.gid}`, "--", path],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new SandboxError(
      "SANDBOX_ERROR",
      `Cannot hand "${path}" to the sandbox uid ${owner.uid}: ` +
        `${new TextDecoder().decode(out.stderr).trim()}. Check the path's file system.`,
    );
  }
}
