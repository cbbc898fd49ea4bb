/**
 * What the daemon watches to reload its configuration: the config file and every file of the
 * clients it imports (`"imports"`: each client's project and user files, whether they exist yet
 * or not). It watches their folders, not the files: editors that save by writing a new file and
 * renaming it over the old one replace the inode a file watch would follow, and a file that does
 * not exist yet cannot be watched at all. A folder that does not exist yet is covered by its
 * nearest existing ancestor. After each reload the set is re-armed, since `"imports"` may have
 * changed.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { formatById } from "../config/formats/mod.ts";
import type { McpxConfig } from "../config/types.ts";

/**
 * Every file `config` was (or would be) read from: its own file and each location of each
 * imported client, with the real path of those that are symlinks.
 */
export function configFiles(
  config: McpxConfig,
  context: { cwd: string; env: Readonly<Record<string, string>> },
): string[] {
  const { cwd, env } = context;
  const home = env.HOME ?? env.USERPROFILE ?? "";
  const files = config.path === undefined ? [] : [resolve(cwd, config.path)];
  for (const id of config.imports ?? []) {
    for (const location of formatById(id)?.locations({ cwd, home, env }) ?? []) {
      files.push(resolve(cwd, location.path));
    }
  }
  for (const file of [...files]) {
    try {
      files.push(Deno.realPathSync(file));
    } catch {
      // Not there (yet): its folder is watched for it.
    }
  }
  return [...new Set(files)];
}

/** The folder that holds `file`, or its nearest ancestor that exists. */
function nearestFolder(file: string): string {
  let dir = dirname(file);
  for (;;) {
    try {
      if (Deno.statSync(dir).isDirectory) return dir;
    } catch {
      // Missing: go up.
    }
    const parent = dirname(dir);
    if (parent === dir) return dir;
    dir = parent;
  }
}

/** Watches a set of config files; see the module doc. */
export class ConfigWatcher {
  readonly #reload: () => Promise<readonly string[] | undefined>;
  readonly #delayMs: number;
  /** One watcher per folder, kept across re-arms so that no event of a kept folder is lost. */
  readonly #watchers = new Map<string, Deno.FsWatcher>();
  #files = new Set<string>();
  #pending: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * @param reload Called (at most one at a time) once a watched file changed and `delayMs`
   * passed without another change; resolves to the files to watch from then on, or `undefined`
   * to keep the current set (the reload failed).
   */
  constructor(reload: () => Promise<readonly string[] | undefined>, delayMs = 150) {
    this.#reload = reload;
    this.#delayMs = delayMs;
  }

  /** Watches `files` from now on (instead of the set before). */
  arm(files: readonly string[]): void {
    if (this.#closed) return;
    this.#files = new Set(files);
    const folders = new Set(files.map(nearestFolder));
    for (const [folder, watcher] of this.#watchers) {
      if (folders.has(folder)) continue;
      watcher.close();
      this.#watchers.delete(folder);
    }
    for (const folder of folders) {
      if (this.#watchers.has(folder)) continue;
      let watcher: Deno.FsWatcher;
      try {
        watcher = Deno.watchFs(folder, { recursive: false });
      } catch {
        continue; // Gone meanwhile: its ancestor is watched from the next reload on.
      }
      this.#watchers.set(folder, watcher);
      (async () => {
        for await (const event of watcher) {
          if (event.paths.some((path) => this.#concerns(path))) this.#schedule();
        }
      })().catch(() => {});
    }
  }

  /** Stops watching. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#pending);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  /** A watched file, or a missing folder on the way to one (created meanwhile). */
  #concerns(path: string): boolean {
    if (this.#files.has(path)) return true;
    for (const file of this.#files) if (file.startsWith(`${path}/`)) return true;
    return false;
  }

  #schedule(): void {
    clearTimeout(this.#pending);
    this.#pending = setTimeout(() => {
      this.#running = this.#running.then(async () => {
        if (this.#closed) return;
        const files = await this.#reload();
        // Always re-armed: a folder created meanwhile is watched itself from now on.
        this.arm(files ?? [...this.#files]);
      }).catch(() => {});
    }, this.#delayMs);
  }
}
