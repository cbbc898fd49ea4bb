/**
 * Remembers, across processes, that bubblewrap could build the fast tier's wall here, so that a
 * one-shot `mcpx exec` does not start `bwrap … deno --version` (10–15 ms) every time.
 *
 * Only a positive answer is kept, and only under a key made of everything the answer depends on:
 * the bwrap binary (path, size, mtime, inode), the deno binary (path, size, mtime, inode), the
 * kernel release and boot, the uid, the user-namespace sysctls, the process's own user and mount
 * namespaces (a container or an outer sandbox has others) and its capabilities, seccomp mode and
 * no-new-privileges flag. A negative answer is never kept (fixing the host takes effect at once),
 * so a forged file can never switch the wall off; the worst it can do is make a run fail when
 * bwrap starts. A file that cannot be read, is not the user's own, is open to others or does not
 * parse is ignored, and a cache that cannot be written is skipped, silently: the probe runs as
 * without a cache.
 *
 * With the answer, the entry keeps the shared libraries the deno binary needs (what `ldd` said,
 * ~20 ms that a one-shot run no longer pays); the key then also covers the loader's cache
 * (`/etc/ld.so.cache`). Only files under the system's library folders are taken from the file:
 * a forged list can never bring another host path into the wall.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";

/** Bump when the key or the file's shape changes: older files are then ignored. */
const FORMAT = 2;
/** Keys kept (deno versions, containers); beyond it the oldest go. */
const MAX_ENTRIES = 8;

/** Kernel settings that decide whether an unprivileged user may make a user namespace. */
const SYSCTLS = [
  "/proc/sys/kernel/unprivileged_userns_clone",
  "/proc/sys/user/max_user_namespaces",
  "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
];

/** Lines of `/proc/self/status` that decide what this process may unshare. */
const STATUS_FIELDS = /^(CapEff|NoNewPrivs|Seccomp):\s*(\S+)$/;

/** One remembered answer. */
export interface WallEntry {
  readonly key: string;
  readonly at: string;
  /** The shared libraries of the deno binary, when known. */
  readonly libraries?: readonly string[];
}

interface CacheFile {
  readonly format: number;
  readonly entries: readonly WallEntry[];
}

/** Where a shared library may lie to be taken from the file. */
const LIBRARY_PATH = /^\/(?:usr\/)?(?:local\/)?lib(?:32|64|x32)?\/[^\0]+$/;

/** Whether `libraries` is a list of regular files in the system's library folders. */
function trustedLibraries(libraries: unknown): libraries is string[] {
  if (!Array.isArray(libraries) || libraries.length === 0) return false;
  return libraries.every((path) => {
    if (typeof path !== "string" || !LIBRARY_PATH.test(path) || path.includes("/../")) return false;
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
}

/**
 * The cache file: `$MCPX_CACHE_DIR/wall/support.json`, else `$XDG_CACHE_HOME/mcpx/wall/…`, else
 * `$HOME/.cache/mcpx/wall/…`; `undefined` (no cache) when none of them is set.
 *
 * @example
 * ```ts
 * import { wallCacheFile } from "./_wall_cache.ts";
 * console.assert(wallCacheFile({ HOME: "/home/me" }) === "/home/me/.cache/mcpx/wall/support.json");
 * ```
 */
export function wallCacheFile(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const file = ["wall", "support.json"];
  if (env.MCPX_CACHE_DIR && isAbsolute(env.MCPX_CACHE_DIR)) {
    return join(env.MCPX_CACHE_DIR, ...file);
  }
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) {
    return join(env.XDG_CACHE_HOME, "mcpx", ...file);
  }
  if (env.HOME && isAbsolute(env.HOME)) return join(env.HOME, ".cache", "mcpx", ...file);
  return undefined;
}

function readOrNull(path: string): string | null {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return null;
  }
}

function linkOrNull(path: string): string | null {
  try {
    return Deno.readLinkSync(path);
  } catch {
    return null;
  }
}

function binary(path: string) {
  const info = Deno.statSync(path);
  return { path, size: info.size, mtime: info.mtime?.getTime() ?? null, ino: info.ino };
}

/**
 * Everything the wall probe's answer depends on, as one string; `undefined` when a part cannot be
 * read (then nothing is cached).
 */
export function wallCacheKey(bwrap: string, deno: string): string | undefined {
  try {
    const status = (readOrNull("/proc/self/status") ?? "").split("\n")
      .map((line) => STATUS_FIELDS.exec(line)).filter((match) => match !== null)
      .map((match) => `${match[1]}=${match[2]}`);
    return JSON.stringify({
      bwrap: binary(bwrap),
      deno: binary(deno),
      kernel: Deno.osRelease(),
      uid: Deno.uid(),
      sysctls: SYSCTLS.map(readOrNull),
      namespaces: [linkOrNull("/proc/self/ns/user"), linkOrNull("/proc/self/ns/mnt")],
      boot: readOrNull("/proc/sys/kernel/random/boot_id"),
      loader: (() => {
        try {
          const info = Deno.statSync("/etc/ld.so.cache");
          return [info.size, info.mtime?.getTime() ?? null, info.ino];
        } catch {
          return null;
        }
      })(),
      status,
    });
  } catch {
    return undefined;
  }
}

/** Whether `info` is this user's own and closed to everyone else (no group or other bits). */
function closedToOthers(info: Deno.FileInfo): boolean {
  return info.uid === Deno.uid() && info.mode !== null && (info.mode & 0o077) === 0;
}

function readEntries(file: string): CacheFile["entries"] {
  try {
    const dir = Deno.lstatSync(dirname(file));
    const info = Deno.lstatSync(file);
    if (!dir.isDirectory || !closedToOthers(dir) || !info.isFile || !closedToOthers(info)) {
      return [];
    }
    const parsed = JSON.parse(Deno.readTextFileSync(file)) as Partial<CacheFile>;
    if (parsed.format !== FORMAT || !Array.isArray(parsed.entries)) return [];
    return parsed.entries.filter((entry) =>
      typeof entry?.key === "string" && typeof entry.at === "string"
    );
  } catch {
    return [];
  }
}

/** The entry of `file` recording that the wall could be built under `key` (its library list
 * dropped unless every path in it is a file in a library folder), or `undefined`. */
export function wallCached(file: string, key: string): WallEntry | undefined {
  const entry = readEntries(file).find((entry) => entry.key === key);
  if (entry === undefined) return undefined;
  return trustedLibraries(entry.libraries) ? entry : { key: entry.key, at: entry.at };
}

/** Records under `key` that the wall could be built, with the deno binary's `libraries` (0600
 * file in a 0700 folder; errors ignored). */
export async function rememberWall(
  file: string,
  key: string,
  libraries?: readonly string[],
): Promise<void> {
  const temp = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    const dir = dirname(file);
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await Deno.lstat(dir);
    if (!info.isDirectory || info.uid !== Deno.uid()) return;
    if (!closedToOthers(info)) await Deno.chmod(dir, 0o700);
    const entries = [
      ...readEntries(file).filter((entry) => entry.key !== key),
      { key, at: new Date().toISOString(), ...(libraries === undefined ? {} : { libraries }) },
    ].slice(-MAX_ENTRIES);
    const text = JSON.stringify({ format: FORMAT, entries } satisfies CacheFile);
    await Deno.writeTextFile(temp, text, { mode: 0o600, createNew: true });
    await Deno.rename(temp, file);
  } catch {
    await Deno.remove(temp).catch(() => {});
  }
}
