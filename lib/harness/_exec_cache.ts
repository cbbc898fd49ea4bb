/**
 * The exec cache: what the harness learned about a skill on a cold run (its module graph, the
 * Deno cache directory, and the permission-less inspection's reports per argv), so that a warm
 * run skips `deno cache`, `deno info` and the inspection child.
 *
 * Soundness: an entry is used only when every local file it depends on (the skill's graph, the
 * sandbox bootstrap's graph, the inspection child's graph, `deno.json`, `deno.lock`) still has the
 * SHA-256 recorded for it, every npm package folder of those graphs still exists, and the key (skill
 * path, project root, config, lock mode, Deno version, the variables that choose Deno's cache)
 * is the same. The folder lives outside the workspace; a run that may write it clears it.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { ChildReport } from "../skills/_inspect_child.ts";

/** Bump when the entry's shape or meaning changes: older entries are then ignored. */
const FORMAT = 1;
/** Inspection reports kept per skill (distinct argv); the oldest are dropped. */
const MAX_REPORTS = 32;
/** Entries kept in the folder (one per skill path); beyond it the least recently written go. */
const MAX_ENTRIES = 256;

/** Everything besides file contents that an entry's facts depend on. */
export interface ExecCacheKey {
  /** Absolute path of the skill or script. */
  readonly skill: string;
  /** The project root (cwd of `deno info` and of the inspection child). */
  readonly root: string;
  /** The `deno.json` the run resolves imports with. */
  readonly configPath: string;
  /** Lock mode of the run. */
  readonly lock: "frozen" | "none";
  /** The sandbox's entry module. */
  readonly bootstrap: string;
}

/** What a cold run recorded. */
export interface ExecCacheEntry {
  /** Local files of the skill's import graph (granted read access). */
  readonly skillFiles: readonly string[];
  /** Local files of the bootstrap's import graph (mounted by the strict tier). */
  readonly bootstrapFiles: readonly string[];
  /** The Deno cache directory the sandbox is pointed at. */
  readonly denoDir: string;
  /** SHA-256 (hex) of every local file the facts depend on. */
  readonly hashes: Readonly<Record<string, string>>;
  /** npm package folders the graphs need in the Deno cache. */
  readonly npmDirs: readonly string[];
  /** The npm modules the skill's own files import (`npm:zod@4.6.7`), loaded ahead by a sandbox
   * started before its run. */
  readonly npmImports: readonly string[];
  /** Inspection reports by {@linkcode inspectionKey}. */
  readonly reports: Readonly<Record<string, ChildReport>>;
}

/** A validated entry, or why there is none. */
export type ExecCacheLookup =
  | { readonly hit: true; readonly entry: ExecCacheEntry }
  | { readonly hit: false; readonly reason: string };

/**
 * The cache folder: `$MCPX_CACHE_DIR/exec-cache`, else `$XDG_CACHE_HOME/mcpx/exec-cache`, else
 * `$HOME/.cache/mcpx/exec-cache`; `undefined` (no cache) when `MCPX_EXEC_CACHE=0` or no
 * variable is set.
 */
export function execCacheDir(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.MCPX_EXEC_CACHE === "0") return undefined;
  if (env.MCPX_CACHE_DIR) return join(env.MCPX_CACHE_DIR, "exec-cache");
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "mcpx", "exec-cache");
  if (env.HOME) return join(env.HOME, ".cache", "mcpx", "exec-cache");
  return undefined;
}

/**
 * Whether a run allowed to write `writePaths` could write into `cacheDir` (a grant on the
 * folder, on one of its parents, or on something inside it).
 */
export function cacheWritableBy(cacheDir: string, writePaths: readonly string[]): boolean {
  const canonical = (path: string) => {
    try {
      return Deno.realPathSync(path);
    } catch {
      return resolve(path);
    }
  };
  const dir = canonical(cacheDir);
  return writePaths.map(canonical).some((path) =>
    path === dir || dir.startsWith(`${path}/`) || path.startsWith(`${dir}/`) || path === "/"
  );
}

/** The key of one inspection report: the argv and how the skill is named in messages. */
export function inspectionKey(display: string, argv: unknown): string {
  return JSON.stringify([display, argv]);
}

// Web Crypto, not node:crypto: loading Deno's node:crypto costs ~10 ms per run.
async function sha256(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** One digest for a set of file digests (from {@linkcode hashFiles}), whatever their order. */
export function fingerprintOf(hashes: Readonly<Record<string, string>>): Promise<string> {
  return sha256(JSON.stringify(Object.entries(hashes).sort(([a], [b]) => a < b ? -1 : 1)));
}

/** SHA-256 of each file, or `undefined` when one cannot be read. */
export async function hashFiles(
  paths: Iterable<string>,
): Promise<Record<string, string> | undefined> {
  try {
    const unique = [...new Set(paths)];
    const digests = await Promise.all(unique.map(async (p) => sha256(await Deno.readFile(p))));
    return Object.fromEntries(unique.map((path, i) => [path, digests[i]!]));
  } catch {
    return undefined;
  }
}

function fullKey(key: ExecCacheKey): string {
  // Deno's version and the variables that choose its cache change what the graph resolves to.
  const env = ["DENO_DIR", "XDG_CACHE_HOME", "HOME"].map((name) => Deno.env.get(name) ?? null);
  return JSON.stringify({ format: FORMAT, deno: Deno.version.deno, env, ...key });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A damaged or foreign file is a miss, never an error. */
function wellFormed(entry: unknown): entry is ExecCacheEntry {
  if (!isRecord(entry) || !isRecord(entry.hashes) || !isRecord(entry.reports)) return false;
  const hashes = entry.hashes;
  return isStrings(entry.skillFiles) && isStrings(entry.bootstrapFiles) &&
    typeof entry.denoDir === "string" && isStrings(entry.npmDirs) &&
    isStrings(entry.npmImports) && entry.npmImports.every((s) => /^npm:[^/]/.test(s)) &&
    Object.values(hashes).every((hash) => typeof hash === "string") &&
    // Every file the run relies on must be one whose content is checked.
    [...entry.skillFiles, ...entry.bootstrapFiles].every((path) => path in hashes);
}

/** One skill's entry in the cache folder `dir`. */
export class ExecCache {
  readonly #key: string;
  readonly #dir: string;
  #file: Promise<string> | undefined;

  /** The entry for `key` inside `dir`. */
  constructor(dir: string, key: ExecCacheKey) {
    this.#dir = dir;
    this.#key = fullKey(key);
  }

  #path(): Promise<string> {
    this.#file ??= sha256(this.#key).then((name) => join(this.#dir, `${name}.json`));
    return this.#file;
  }

  /** The recorded entry if it is still true, else why not. */
  async load(): Promise<ExecCacheLookup> {
    let stored: { key?: unknown; entry?: unknown };
    try {
      stored = JSON.parse(await Deno.readTextFile(await this.#path()));
    } catch {
      return { hit: false, reason: "no entry" };
    }
    const entry = stored.entry;
    if (stored.key !== this.#key || !wellFormed(entry)) return { hit: false, reason: "no entry" };
    for (const dir of entry.npmDirs) {
      if (!await exists(dir)) return { hit: false, reason: `${dir} is no longer cached` };
    }
    const now = await hashFiles(Object.keys(entry.hashes));
    for (const [path, hash] of Object.entries(entry.hashes)) {
      if (now?.[path] !== hash) return { hit: false, reason: `${path} changed` };
    }
    return { hit: true, entry };
  }

  /** Records `entry` (atomically: a reader sees the old entry or the new one). */
  async save(entry: ExecCacheEntry): Promise<void> {
    const reports = Object.entries(entry.reports).slice(-MAX_REPORTS);
    const text = JSON.stringify({
      key: this.#key,
      entry: { ...entry, reports: Object.fromEntries(reports) },
    });
    const file = await this.#path();
    const temp = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      await Deno.mkdir(this.#dir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(temp, text, { mode: 0o600 });
      await Deno.rename(temp, file);
      await this.#prune();
    } catch {
      // A cache that cannot be written only costs speed.
      await Deno.remove(temp).catch(() => {});
    }
  }

  /** Keeps the folder bounded: skills in temp folders would otherwise pile up forever. */
  async #prune(): Promise<void> {
    const names: string[] = [];
    for await (const item of Deno.readDir(this.#dir)) {
      if (item.isFile && item.name.endsWith(".json")) names.push(item.name);
    }
    if (names.length <= MAX_ENTRIES) return;
    const dated = await Promise.all(names.map(async (name) => {
      const path = join(this.#dir, name);
      const info = await Deno.stat(path).catch(() => undefined);
      return { path, time: info?.mtime?.getTime() ?? 0 };
    }));
    dated.sort((a, b) => a.time - b.time);
    const excess = dated.slice(0, dated.length - MAX_ENTRIES * 3 / 4);
    await Promise.all(excess.map(({ path }) => Deno.remove(path).catch(() => {})));
  }

  /** Removes the whole cache folder (after a run that was allowed to write it). */
  async clear(): Promise<void> {
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}
