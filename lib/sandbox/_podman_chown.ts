/**
 * Hands a directory tree to another owner without ever following a link, for the strict tier
 * run as root with a root-owned workspace (the one case a user-namespace mapping cannot cover
 * with runc: idmapped mounts need runc ≥ 1.2 or crun).
 *
 * The walk holds a file descriptor for every directory it is in and opens each entry relative
 * to it (`/proc/self/fd/<dir>/<name>`, with `O_NOFOLLOW`), then changes the owner of what it
 * opened (`fchown`), never of a path. So a symlink is never followed (the open fails with
 * `ELOOP` and the entry is skipped), a directory swapped for a symlink while the walk runs is
 * never entered, and nothing outside the tree is reached. A regular file with more than one
 * hard link is skipped: its other name may be outside the tree. Other entries (sockets, FIFOs,
 * devices) are left alone.
 *
 * @module
 */
import { constants } from "node:fs";
import { lchown, lstat, open, readdir } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";

/** The new owner. */
export interface Owner {
  /** Host uid. */
  readonly uid: number;
  /** Host gid. */
  readonly gid: number;
}

/** What {@linkcode chownTreeNoFollow} left alone, as paths relative to the tree's root. */
export interface ChownSkipped {
  /** Regular files with more than one hard link. */
  readonly hardLinks: readonly string[];
  /** Symbolic links. */
  readonly symlinks: readonly string[];
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK |
  constants.O_NOCTTY;

/**
 * Gives every directory and single-link regular file under `root` (and `root` itself) to
 * `owner`, following no link. `root` itself must be a real directory, not a symlink.
 *
 * @throws {Error} when `root` cannot be opened as a directory without following a link.
 */
export async function chownTreeNoFollow(root: string, owner: Owner): Promise<ChownSkipped> {
  const skipped = { hardLinks: [] as string[], symlinks: [] as string[] };
  const dir = await open(root, OPEN_FLAGS | constants.O_DIRECTORY);
  try {
    await walk(dir, "", owner, skipped);
  } finally {
    await dir.close();
  }
  return skipped;
}

async function walk(
  dir: FileHandle,
  relative: string,
  owner: Owner,
  skipped: { hardLinks: string[]; symlinks: string[] },
): Promise<void> {
  await chownHandle(dir, owner);
  const base = `/proc/self/fd/${dir.fd}`;
  for (const name of await readdir(base)) {
    const path = relative === "" ? name : `${relative}/${name}`;
    let entry: FileHandle;
    try {
      entry = await open(`${base}/${name}`, OPEN_FLAGS);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ELOOP") skipped.symlinks.push(path);
      // A socket cannot be opened: changed by name without following a link (the bridge's own
      // socket must become the skill's to connect to), unless it has a second name.
      else if (code === "ENXIO") await chownSocket(`${base}/${name}`, path, owner, skipped);
      // ENOENT: removed meanwhile.
      else if (code !== "ENOENT") throw error;
      continue;
    }
    try {
      const info = await entry.stat();
      if (info.isDirectory()) await walk(entry, path, owner, skipped);
      else if (!info.isFile()) continue;
      else if (info.nlink > 1) skipped.hardLinks.push(path);
      else await chownHandle(entry, owner);
    } finally {
      await entry.close();
    }
  }
}

async function chownSocket(
  at: string,
  path: string,
  owner: Owner,
  skipped: { hardLinks: string[] },
): Promise<void> {
  const info = await lstat(at);
  if (!info.isSocket()) return;
  if (info.nlink > 1) skipped.hardLinks.push(path);
  else if (info.uid !== owner.uid || info.gid !== owner.gid) {
    await lchown(at, owner.uid, owner.gid);
  }
}

async function chownHandle(handle: FileHandle, owner: Owner): Promise<void> {
  const info = await handle.stat();
  if (info.uid !== owner.uid || info.gid !== owner.gid) await handle.chown(owner.uid, owner.gid);
}
