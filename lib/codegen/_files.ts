/**
 * Syncing a set of generated files with the disk: write what changed, remove what is stale,
 * or (for `--check`) only report it.
 *
 * @module
 */
import { dirname, join } from "node:path";

/** What a sync did, or (in check mode) would do; paths relative to the output folder. */
export interface SyncReport {
  /** Files created or whose content changed. */
  readonly written: string[];
  /** Files removed because nothing generates them any more. */
  readonly removed: string[];
  /** Files already up to date. */
  readonly unchanged: number;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Every file under `dir` (relative paths, sorted), or `[]` when it does not exist. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(dir, prefix))) {
      const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory) out.push(...await listFiles(dir, rel));
      else if (entry.isFile) out.push(rel);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

/**
 * Makes `outDir` hold `files` (relative path -> text). Files under `owned` folders (and the
 * loose `owned` files) that are not in `files` are removed; nothing else is touched. With
 * `check`, nothing is written and the report says what would change.
 */
export async function syncFiles(
  outDir: string,
  files: ReadonlyMap<string, string>,
  options: { owned: { folders: readonly string[]; files: readonly string[] }; check: boolean },
): Promise<SyncReport> {
  const written: string[] = [];
  const removed: string[] = [];
  let unchanged = 0;
  for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(outDir, rel);
    if (await readText(path) === text) {
      unchanged++;
      continue;
    }
    written.push(rel);
    if (options.check) continue;
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
  const candidates = [...options.owned.files];
  for (const folder of options.owned.folders) {
    candidates.push(...(await listFiles(outDir, folder)).map((f) => f));
  }
  for (const rel of candidates.sort()) {
    if (files.has(rel) || await readText(join(outDir, rel)) === undefined) continue;
    removed.push(rel);
    if (!options.check) await Deno.remove(join(outDir, rel));
  }
  if (!options.check) {
    for (const folder of options.owned.folders) {
      if (![...files.keys()].some((rel) => rel.startsWith(`${folder}/`))) {
        await Deno.remove(join(outDir, folder), { recursive: true }).catch(() => {});
      }
    }
  }
  return { written, removed, unchanged };
}
