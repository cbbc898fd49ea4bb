/**
 * Everything the harness must know about a skill's code before a run: its imports cached, its
 * local module files, the bootstrap's, the Deno cache directory, and earlier inspection reports.
 * A warm run takes them from the exec cache (validated by content hash); a cold run asks Deno.
 *
 * @module
 */
import { resolve } from "node:path";
import type { ChildReport } from "../skills/_inspect_child.ts";
import { INSPECTION_CHILD, type InspectionReports } from "../skills/manifest.ts";
import { resolveDenoDir } from "../sandbox/env.ts";
import {
  ExecCache,
  execCacheDir,
  type ExecCacheEntry,
  fingerprintOf,
  hashFiles,
  inspectionKey,
} from "./_exec_cache.ts";
import { cacheModules, moduleGraph } from "./_modules.ts";
import { SkillError } from "../errors.ts";

/** What {@linkcode prepareModules} learned. */
export interface PreparedModules {
  /** Local files of the skill's import graph. */
  readonly skillFiles: readonly string[];
  /** Local files of the bootstrap's import graph. */
  readonly bootstrapFiles: readonly string[];
  /** The npm modules the skill's own files import (see `_entry.ts`); none without the cache. */
  readonly npmImports: readonly string[];
  /** A digest of the contents of every file the run loads (its graph, the bootstrap's, the
   * config and lock file) as validated or hashed here; `undefined` without the exec cache. */
  readonly fingerprint: string | undefined;
  /** The Deno cache directory for the sandbox's `DENO_DIR`. */
  denoDir(): Promise<string>;
  /** Inspection reports to reuse and extend; `undefined` when nothing can be recorded. */
  readonly reports: InspectionReports | undefined;
  /** The exec cache folder in use, if any. */
  readonly cacheDir: string | undefined;
  /** One line for `--verbose`: whether the cache was used, and why not. */
  readonly notice: string;
  /** Whether the last inspection report asked for came from the cache. */
  inspectionReused(): boolean;
  /** Records what was learned (nothing when the files changed meanwhile). */
  save(): Promise<void>;
  /** Removes the whole exec cache folder. */
  clear(): Promise<void>;
}

/** Inputs of {@linkcode prepareModules}. */
export interface PrepareOptions {
  /** Project root. */
  readonly root: string;
  /** The `deno.json` of the run. */
  readonly configPath: string;
  /** Lock mode of the run. */
  readonly lock: "frozen" | "none";
  /** The sandbox's entry module. */
  readonly bootstrap: string;
  /** How the skill is named in messages. */
  readonly display: string;
  /** A snippet's import map: the run resolves with it, and the exec cache is not used. */
  readonly importMap?: string | undefined;
}

interface ReportStore extends InspectionReports {
  reused: boolean;
}

function reportStore(
  reports: Record<string, ChildReport>,
  display: string,
  onPut: () => void,
): ReportStore {
  return {
    reused: false,
    get(argv) {
      const report = reports[inspectionKey(display, argv)];
      this.reused = report !== undefined;
      return report;
    },
    put(argv, report) {
      const key = inspectionKey(display, argv);
      delete reports[key]; // re-inserted last: the newest survive the cap
      reports[key] = report;
      onPut();
    },
  };
}

/** Caches and lists the modules of `file`, from the exec cache when it is still valid. */
export async function prepareModules(
  file: string,
  options: PrepareOptions,
): Promise<PreparedModules> {
  const { root, configPath, lock, bootstrap, display } = options;
  const lockPath = resolve(configPath, "..", "deno.lock");
  const cacheDir = options.importMap === undefined ? execCacheDir(Deno.env.toObject()) : undefined;
  const cache = cacheDir === undefined
    ? undefined
    : new ExecCache(cacheDir, { skill: file, root, configPath, lock, bootstrap });
  const lookup = cache === undefined
    ? { hit: false as const, reason: "disabled" }
    : await cache.load();
  if (lookup.hit) {
    const entry = lookup.entry;
    const reports = { ...entry.reports };
    let changed = false;
    const store = reportStore(reports, display, () => changed = true);
    return {
      inspectionReused: () => store.reused,
      skillFiles: entry.skillFiles,
      bootstrapFiles: entry.bootstrapFiles,
      fingerprint: await fingerprintOf(entry.hashes),
      npmImports: entry.npmImports,
      denoDir: () => Promise.resolve(entry.denoDir),
      reports: lock === "frozen" ? store : undefined,
      cacheDir,
      clear: () => cache!.clear(),
      notice: "[mcpx: exec cache hit]",
      save: async () => {
        if (changed) await cache!.save({ ...entry, reports });
      },
    };
  }

  // Cache first: the permission-less inspection and the sandbox both run --cached-only.
  const importMap = options.importMap;
  // A snippet's import map holds the config's imports too, so one call caches both.
  await cacheModules([file, bootstrap], { cwd: root, configPath, display, lock, importMap });
  const graphOptions = { cwd: root, configPath };
  const [skill, boot, child, denoDir] = await Promise.all([
    moduleGraph(file, { ...graphOptions, importMap }),
    moduleGraph(bootstrap, graphOptions),
    moduleGraph(INSPECTION_CHILD, graphOptions),
    resolveDenoDir(),
  ]);
  if (skill === undefined) {
    // Without the graph nothing can be checked against the code roots: refuse.
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot list the imports of ${display} (deno info failed); run "deno info ${display}" ` +
        `to see why.`,
    );
  }
  const base = {
    skillFiles: skill?.files ?? [file],
    bootstrapFiles: boot?.files ?? [bootstrap],
    denoDir: () => Promise.resolve(denoDir),
    cacheDir,
    clear: () => cache?.clear() ?? Promise.resolve(),
    notice: `[mcpx: exec cache miss: ${lookup.reason}]`,
    inspectionReused: () => false,
  };
  if (cache === undefined || skill === undefined || boot === undefined || child === undefined) {
    return {
      ...base,
      fingerprint: undefined,
      npmImports: [],
      reports: undefined,
      save: () => Promise.resolve(),
    };
  }
  // Hashed before the inspection reads the files, and again before saving: an entry is only
  // recorded for contents that did not change while it was being made.
  const files = [...skill.files, ...boot.files, ...child.files, configPath];
  if (lock === "frozen") files.push(lockPath);
  const hashes = await hashFiles(files);
  const reports: Record<string, ChildReport> = {};
  return {
    ...base,
    fingerprint: hashes === undefined ? undefined : await fingerprintOf(hashes),
    npmImports: skill.npmImports,
    // Without a lock file an npm version range may resolve differently next time, and the
    // report may depend on the package: reports are only reused under a lock file.
    reports: lock === "frozen" ? reportStore(reports, display, () => {}) : undefined,
    save: async () => {
      if (hashes === undefined) return;
      const after = await hashFiles(Object.keys(hashes));
      if (after === undefined || Object.keys(hashes).some((p) => after[p] !== hashes[p])) return;
      const entry: ExecCacheEntry = {
        skillFiles: skill.files,
        bootstrapFiles: boot.files,
        denoDir,
        hashes,
        npmDirs: [...new Set([...skill.npmDirs, ...boot.npmDirs, ...child.npmDirs])],
        npmImports: skill.npmImports,
        reports,
      };
      await cache.save(entry);
    },
  };
}
