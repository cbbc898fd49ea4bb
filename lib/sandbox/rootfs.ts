/**
 * The strict tier's root filesystem, built locally because no image registry may be reachable:
 * the host's own deno binary, the shared libraries it links (found with `ldd`), the dynamic
 * loader, a minimal `/etc/passwd` and `/etc/group` naming the non-root user, and empty mount
 * points. Built once per deno binary into a cache directory and reused by every run (podman
 * mounts it with an overlay, `--rootfs DIR:O`, so runs never modify it). When the binary at a
 * path changes, the next call builds a new one and removes the one it replaces.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { SandboxError } from "../errors.ts";

/** The uid and gid of the non-root user inside the container (named `mcpx`). */
export const SANDBOX_UID = 1000;
/** Where the deno binary lives inside the root filesystem. */
export const ROOTFS_DENO = "/usr/bin/deno";
const MARKER = ".mcpx-rootfs.json";
/** Bumped when the layout below changes, so cached root filesystems are rebuilt. */
const LAYOUT_VERSION = 2;
/** Files podman bind-mounts over; they must exist because container root cannot create them in
 * a root filesystem owned by host root. */
const MOUNT_POINT_FILES = ["etc/hostname", "etc/hosts", "etc/resolv.conf", "run/.containerenv"];

/** Options of {@linkcode ensureRootfs}. */
export interface RootfsOptions {
  /** The deno binary to copy. @default Deno.execPath() */
  readonly denoPath?: string;
  /** The cache directory. @default {@linkcode defaultRootfsCacheDir}() */
  readonly cacheDir?: string;
}

/** A ready root filesystem. */
export interface Rootfs {
  /** Absolute path of the directory to pass to `podman run --rootfs`. */
  readonly path: string;
  /** The hash naming it (deno binary path, size, mtime and its libraries). */
  readonly key: string;
  /** Whether this call built it (false: reused from the cache). */
  readonly built: boolean;
}

/** `$MCPX_ROOTFS_CACHE`, else `$XDG_CACHE_HOME/mcpx/rootfs`, else `~/.cache/mcpx/rootfs`. */
export function defaultRootfsCacheDir(): string {
  const explicit = Deno.env.get("MCPX_ROOTFS_CACHE");
  if (explicit) return explicit;
  const base = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(base, "mcpx", "rootfs");
}

/**
 * Returns the cached root filesystem for the deno binary, building it first when the binary
 * (or a library it links) changed.
 *
 * @example
 * ```ts ignore
 * import { ensureRootfs } from "./rootfs.ts";
 * const { path } = await ensureRootfs();
 * // podman run --rootfs ${path}:O /usr/bin/deno --version
 * ```
 */
export async function ensureRootfs(options: RootfsOptions = {}): Promise<Rootfs> {
  const denoPath = await Deno.realPath(options.denoPath ?? Deno.execPath());
  const cacheDir = options.cacheDir ?? defaultRootfsCacheDir();
  const libraries = await linkedLibraries(denoPath);
  const stat = await Deno.stat(denoPath);
  const key = createHash("sha256")
    .update(JSON.stringify([LAYOUT_VERSION, denoPath, stat.size, stat.mtime?.getTime(), libraries]))
    .digest("hex")
    .slice(0, 16);
  const path = join(cacheDir, key);
  if (await exists(join(path, MARKER))) return { path, key, built: false };

  await Deno.mkdir(cacheDir, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: cacheDir, prefix: ".building-" });
  try {
    await populate(staging, denoPath, libraries);
    await Deno.writeTextFile(join(staging, MARKER), JSON.stringify({ denoPath, libraries }));
    await Deno.chmod(staging, 0o755);
    try {
      await Deno.rename(staging, path);
    } catch (cause) {
      // Another process finished the same build first: use theirs.
      if (!(await exists(join(path, MARKER)))) throw cause;
      await Deno.remove(staging, { recursive: true });
    }
  } catch (cause) {
    await Deno.remove(staging, { recursive: true }).catch(() => undefined);
    throw new SandboxError(
      "SANDBOX_UNAVAILABLE",
      `Cannot build the strict tier's root filesystem in ${cacheDir}: ${message(cause)}. ` +
        `Check that the directory is writable (or set MCPX_ROOTFS_CACHE), or configure ` +
        `sandbox.image to use a container image instead.`,
      { cause },
    );
  }
  await pruneStale(cacheDir, key, denoPath);
  return { path, key, built: true };
}

/** Removes root filesystems built earlier from the same binary path (an older deno there). */
async function pruneStale(cacheDir: string, key: string, denoPath: string): Promise<void> {
  for await (const entry of Deno.readDir(cacheDir)) {
    if (!entry.isDirectory || entry.name === key || entry.name.startsWith(".")) continue;
    const marker = await Deno.readTextFile(join(cacheDir, entry.name, MARKER)).catch(() => "{}");
    if ((JSON.parse(marker) as { denoPath?: string }).denoPath !== denoPath) continue;
    await Deno.remove(join(cacheDir, entry.name), { recursive: true }).catch(() => undefined);
  }
}

/** The absolute paths `ldd` lists for a binary, including the dynamic loader. */
async function linkedLibraries(binary: string): Promise<string[]> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("ldd", { args: [binary], stdout: "piped", stderr: "piped" })
      .output();
  } catch (cause) {
    throw new SandboxError(
      "SANDBOX_UNAVAILABLE",
      `Cannot list the libraries of ${binary}: "ldd" is not on PATH. Install libc-bin, or ` +
        `configure sandbox.image to use a container image instead.`,
      { cause },
    );
  }
  const text = new TextDecoder().decode(out.stdout);
  if (/statically linked/.test(text)) return [];
  if (!out.success) {
    throw new SandboxError(
      "SANDBOX_UNAVAILABLE",
      `"ldd ${binary}" failed: ${new TextDecoder().decode(out.stderr).trim()}. Point ` +
        `MCPX_DENO at a real deno executable, or configure sandbox.image.`,
    );
  }
  return [...text.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!).sort();
}

async function populate(root: string, denoPath: string, libraries: string[]): Promise<void> {
  for (const dir of ["usr/bin", "etc", "proc", "dev", "sys", "tmp", "run", "var/tmp"]) {
    await Deno.mkdir(join(root, dir), { recursive: true, mode: 0o755 });
  }
  await Deno.chmod(join(root, "tmp"), 0o1777);
  await copyFile(denoPath, join(root, ROOTFS_DENO), 0o755);
  for (const library of libraries) {
    // Copy the file a symlink points at, to the path ldd printed (what the loader looks up).
    await Deno.mkdir(join(root, dirname(library)), { recursive: true, mode: 0o755 });
    await copyFile(await Deno.realPath(library), join(root, library), 0o755);
  }
  for (const file of MOUNT_POINT_FILES) {
    await Deno.writeTextFile(join(root, file), "", { mode: 0o644 });
  }
  const id = SANDBOX_UID;
  await Deno.writeTextFile(
    join(root, "etc/passwd"),
    `root:x:0:0:root:/root:/sbin/nologin\nmcpx:x:${id}:${id}:mcpx:/tmp:/sbin/nologin\n`,
    { mode: 0o644 },
  );
  await Deno.writeTextFile(join(root, "etc/group"), `root:x:0:\nmcpx:x:${id}:\n`, {
    mode: 0o644,
  });
}

async function copyFile(from: string, to: string, mode: number): Promise<void> {
  await Deno.copyFile(from, to);
  await Deno.chmod(to, mode);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
