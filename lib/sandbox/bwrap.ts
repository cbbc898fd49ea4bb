/**
 * The fast tier's second wall on Linux: bubblewrap renders a {@linkcode Grant} into a fresh mount
 * view that holds only what the run is granted (the deno binary and its libraries, the Deno cache
 * and the code read-only, read paths read-only, write paths read-write, the bridge socket's
 * private directory), a new PID namespace with its own `/proc`, minimal `/dev`, a private `/tmp`,
 * and no network namespace access unless the grant names hosts. Deno's permission flags still
 * apply inside; this wall holds even if they were wrongly wide.
 *
 * The environment is not passed with `--setenv` (argv is readable by every local user through
 * `/proc/<pid>/cmdline`); the spawner clears the environment and hands bwrap the run's own, which
 * bwrap passes on unchanged.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { Grant } from "./grant.ts";
import { rememberWall, wallCached, wallCacheFile, wallCacheKey } from "./_wall_cache.ts";

const BWRAP_CANDIDATES = ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"];

/** Files DNS resolution and TLS need when the run may reach hosts. */
const NET_FILES = [
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/host.conf",
  "/etc/gai.conf",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/pki",
  "/usr/share/ca-certificates",
];

/** Environment variables that may name a CA file or directory the run's TLS reads. */
const CA_ENV = ["SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "DENO_CERT"];

/** What one walled run needs besides its grant. */
export interface WallRun {
  /** What the run may do. */
  readonly grant: Grant;
  /** The deno binary that runs inside (usually `Deno.execPath()`). */
  readonly denoBinary: string;
  /** The Deno cache (`DENO_DIR`), mounted read-only. */
  readonly denoDir: string;
  /** The run's working directory. */
  readonly cwd: string;
  /** The private directory holding the bridge socket (mounted read-write). */
  readonly bridgeDir?: string | undefined;
  /** The run's complete environment (only the CA variables are read here). */
  readonly env: Readonly<Record<string, string>>;
  /** Extra files deno reads before any permission applies (config, lock file), read-only. */
  readonly extraReadOnly?: readonly string[];
}

/** Whether the wall can be built on this host, and why not. */
export type WallSupport =
  | { readonly available: true; readonly bwrap: string }
  | { readonly available: false; readonly reason: string; readonly fix: string };

/** The bwrap binary on this host, if any. */
export function findBwrap(): string | undefined {
  for (const candidate of BWRAP_CANDIDATES) {
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const INSTALL_FIX = "install bubblewrap (apt-get install bubblewrap) on a Linux host with user " +
  "namespaces enabled";

let supportPromise: Promise<WallSupport> | undefined;

/**
 * Whether bubblewrap can build the wall here, measured once per process by starting the deno
 * binary (`--version`) inside a minimal wall with every namespace unshared. A positive answer is
 * kept across processes in mcpx's cache folder (see `_wall_cache.ts`), so most processes start no
 * probe at all.
 *
 * @example
 * ```ts ignore
 * import { wallSupport } from "./bwrap.ts";
 * const support = await wallSupport();
 * console.log(support.available ? support.bwrap : support.reason);
 * ```
 */
export function wallSupport(): Promise<WallSupport> {
  supportPromise ??= measureSupport();
  return supportPromise;
}

/** What {@linkcode measureSupport} looks at; tests stand in other binaries, files and probes. */
export interface MeasureSupportOptions {
  /** The bwrap binary. @default findBwrap() */
  readonly bwrap?: string;
  /** The deno binary the wall must start. @default Deno.execPath() */
  readonly deno?: string;
  /** Where a positive answer is kept; `undefined` keeps none.
   * @default wallCacheFile(the environment) */
  readonly cacheFile?: string | undefined;
  /** Starts `deno --version` behind a minimal wall. @default the real probe */
  readonly probe?: (bwrap: string, deno: string) => Promise<WallSupport>;
}

/**
 * Measures (without the per-process memo of {@linkcode wallSupport}) whether the wall can be
 * built: a positive answer recorded under the same key is reused, anything else is probed, and a
 * positive probe is recorded.
 */
export async function measureSupport(options: MeasureSupportOptions = {}): Promise<WallSupport> {
  const fix = INSTALL_FIX;
  if (Deno.build.os !== "linux") {
    return { available: false, reason: `bubblewrap needs Linux, this is ${Deno.build.os}`, fix };
  }
  const bwrap = options.bwrap ?? findBwrap();
  if (bwrap === undefined) {
    return { available: false, reason: "bubblewrap (bwrap) is not installed", fix };
  }
  const deno = options.deno ?? Deno.execPath();
  const file = "cacheFile" in options ? options.cacheFile : wallCacheFile(environment());
  const key = file === undefined ? undefined : wallCacheKey(bwrap, deno);
  const cached = file !== undefined && key !== undefined ? wallCached(file, key) : undefined;
  if (cached !== undefined) {
    if (cached.libraries !== undefined) knowLibraries(deno, cached.libraries);
    return { available: true, bwrap };
  }
  const support = await (options.probe ?? probeWall)(bwrap, deno);
  // Recorded only if nothing it depends on changed while the probe ran.
  if (support.available && file !== undefined && key !== undefined) {
    if (wallCacheKey(bwrap, deno) === key) await rememberWall(file, key, libraryFiles(deno));
  }
  return support;
}

/** The variables that choose the cache folder (none without env permission). */
function environment(): Record<string, string | undefined> {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}

/** Starts `deno --version` inside a minimal wall with every namespace unshared. */
async function probeWall(bwrap: string, binary: string): Promise<WallSupport> {
  const args = [
    ...baseArgs(false),
    ...mountArgs(libraryMounts(binary)),
    ...KERNEL_VIEWS,
    binary,
    "--version",
  ];
  // A spawn refused at once (no run permission) throws synchronously: an answer too.
  let out: Deno.CommandOutput | { error: unknown };
  try {
    out = await new Deno.Command(bwrap, { args, clearEnv: true, stdout: "piped", stderr: "piped" })
      .output();
  } catch (error) {
    out = { error };
  }
  if ("error" in out) {
    return {
      available: false,
      reason: `bwrap could not start: ${String(out.error)}`,
      fix: INSTALL_FIX,
    };
  }
  if (!out.success || !new TextDecoder().decode(out.stdout).startsWith("deno ")) {
    const said = new TextDecoder().decode(out.stderr).trim().split("\n")[0] ?? "";
    return {
      available: false,
      reason: `bwrap could not build the wall here (${said || `exit ${out.code}`})`,
      fix: "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, " +
        "user.max_user_namespaces > 0) or run as root",
    };
  }
  return { available: true, bwrap };
}

/** Namespaces and process setup shared by every wall. */
function baseArgs(shareNet: boolean): string[] {
  return [
    "--unshare-all",
    // Explicit, so that even as root the run gets a user namespace, no capabilities in it, and
    // cannot make further namespaces.
    "--unshare-user",
    "--disable-userns",
    "--cap-drop",
    "ALL",
    ...(shareNet ? ["--share-net"] : []),
    "--die-with-parent",
    "--new-session",
    // Before the grant's binds, so a granted path under /tmp shows through the private /tmp.
    "--tmpfs",
    "/tmp",
  ];
}

/** Mounted after the grant's binds, so that no grant (not even "/") can cover them. */
const KERNEL_VIEWS = ["--proc", "/proc", "--dev", "/dev"];

/** One mount operation of the view. */
type Mount =
  | { readonly kind: "ro" | "rw"; readonly path: string }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string };

/**
 * Walks `path` component by component, recording every symbolic link met on the way (so the
 * view can recreate it) and returning the real path the link chain ends at.
 */
function reach(path: string, links: Map<string, string>, depth = 0): string {
  if (depth > 40) return path; // a link loop: let the bind fail on its own
  const parts = path.split("/").filter((part) => part !== "");
  let current = "/";
  for (let i = 0; i < parts.length; i++) {
    const next = join(current, parts[i]!);
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(next);
    } catch {
      return join(next, ...parts.slice(i + 1));
    }
    if (info.isSymlink) {
      const target = Deno.readLinkSync(next);
      links.set(next, target);
      return reach(join(resolve(current, target), ...parts.slice(i + 1)), links, depth + 1);
    }
    current = next;
  }
  return current;
}

const libraryCache = new Map<string, Mount[]>();

/** The deno binary and the shared libraries it loads (from `ldd`), as read-only mounts. */
/** The shared libraries `binary` needs (from `ldd`, once per process unless already known). */
function libraryFiles(binary: string): string[] {
  const known = libraryFileCache.get(binary);
  if (known !== undefined) return known;
  const files: string[] = [];
  try {
    const out = new Deno.Command("ldd", { args: [binary], stdout: "piped", stderr: "null" })
      .outputSync();
    for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
      const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
      if (match) files.push(match[1]!);
    }
  } catch {
    // No ldd (a static binary or an unusual host): bind the usual library folders instead.
    files.push("/lib", "/lib64", "/usr/lib", "/usr/lib64");
  }
  libraryFileCache.set(binary, files);
  return files;
}

/** Records the shared libraries of `binary` (from the wall cache: `ldd` need not run). */
function knowLibraries(binary: string, files: readonly string[]): void {
  if (!libraryFileCache.has(binary)) libraryFileCache.set(binary, [...files]);
}

const libraryFileCache = new Map<string, string[]>();

function libraryMounts(binary: string): Mount[] {
  const cached = libraryCache.get(binary);
  if (cached) return cached;
  const mounts = pathMounts([binary, ...libraryFiles(binary)], "ro");
  libraryCache.set(binary, mounts);
  return mounts;
}

/** Mounts that make each of `paths` reachable at its own path, links included. */
function pathMounts(paths: readonly string[], kind: "ro" | "rw"): Mount[] {
  const links = new Map<string, string>();
  const mounts: Mount[] = [];
  for (const path of paths) mounts.push({ kind, path: reach(path, links) });
  for (const [path, target] of links) mounts.push({ kind: "symlink", path, target });
  return mounts;
}

/** Whether `path` is `root` or lies inside it. */
function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`);
}

/** Turns mounts into bwrap arguments: parents before children, the widest mode per path. */
function mountArgs(mounts: readonly Mount[]): string[] {
  const binds = new Map<string, "ro" | "rw">();
  const links = new Map<string, string>();
  for (const mount of mounts) {
    if (mount.kind === "symlink") links.set(mount.path, mount.target);
    else if (binds.get(mount.path) !== "rw") binds.set(mount.path, mount.kind);
  }
  const depth = (path: string) => path.split("/").length;
  const args: string[] = [];
  for (const [path, kind] of [...binds].sort((a, b) => depth(a[0]) - depth(b[0]))) {
    args.push(kind === "rw" ? "--bind-try" : "--ro-bind-try", path, path);
  }
  for (const [path, target] of links) {
    // A link inside a bound folder is already there; recreate only the ones in the new root.
    const inside = [...binds.keys()].some((bound) => isUnder(path, bound));
    if (!inside) args.push("--symlink", target, path);
  }
  return args;
}

/**
 * The bwrap arguments (everything before the command) that confine one run to its grant.
 *
 * @example
 * ```ts ignore
 * import { wallArgs } from "./bwrap.ts";
 * const args = wallArgs({ grant, denoBinary: Deno.execPath(), denoDir, cwd, env: {} });
 * new Deno.Command("bwrap", { args: [...args, Deno.execPath(), "run", "main.ts"] });
 * ```
 */
export function wallArgs(run: WallRun): string[] {
  const { grant } = run;
  const shareNet = grant.net.length > 0;
  const mounts: Mount[] = [
    ...libraryMounts(run.denoBinary),
    ...pathMounts([run.denoDir, ...grant.code, ...grant.read, ...(run.extraReadOnly ?? [])], "ro"),
    ...pathMounts([...grant.write, ...(run.bridgeDir ? [run.bridgeDir] : [])], "rw"),
  ];
  if (shareNet) {
    const caFiles = CA_ENV.map((name) => run.env[name]).filter((v): v is string => !!v);
    mounts.push(...pathMounts([...NET_FILES, ...caFiles], "ro"));
  }
  // The cwd must exist in the view; read-only unless a write grant already covers it.
  const covered = [...grant.write, ...grant.read, ...grant.code].some((path) =>
    isUnder(run.cwd, path)
  );
  if (!covered) mounts.push(...pathMounts([run.cwd], "ro"));
  // The view's own root becomes read-only once everything is mounted, unless "/" itself was
  // granted (then the grant's own mode stands).
  const rootGranted = mounts.some((m) => m.kind !== "symlink" && m.path === "/");
  return [
    ...baseArgs(shareNet),
    ...mountArgs(mounts),
    ...KERNEL_VIEWS,
    ...(rootGranted ? [] : ["--remount-ro", "/"]),
    "--chdir",
    run.cwd,
  ];
}
