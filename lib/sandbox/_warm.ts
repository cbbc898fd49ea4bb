/**
 * Warm runs: sandboxes started ahead of their runs, in `mcpx daemon` only. After a run, the tier
 * offers to start the next sandbox of the same shape (same command line, environment, working
 * directory and code, see `deno_tier.ts`); the pool starts it and keeps at most `max` of them (the
 * least recently offered go first), each for at most `idleSeconds`. A started sandbox is handed
 * to one run ({@linkcode WarmPool.take}) and never to a second; one never taken is killed. So
 * a repeated run skips Deno's start, the wall's set-up and the bootstrap's loading, and nothing
 * of one run is ever seen by another.
 *
 * @module
 */

/** What the pool holds: a started sandbox, waiting for its run. */
export interface WarmEntry {
  /** Whether the sandbox's process has exited already (then it is of no use). */
  readonly exited: boolean;
  /** Kills the sandbox and removes what it holds; waits until it is gone. */
  discard(): Promise<void>;
}

/** Options of {@linkcode enableWarmRuns}. */
export interface WarmRunOptions {
  /** Sandboxes kept at most; 0 keeps none. */
  readonly max: number;
  /** Seconds a sandbox waits for its run before it is killed. */
  readonly idleSeconds: number;
}

/** The warm sandboxes of one process (the daemon's). */
export class WarmPool {
  readonly #entries = new Map<string, { entry: WarmEntry; timer: ReturnType<typeof setTimeout> }>();
  readonly #discarding = new Set<Promise<void>>();
  #options: WarmRunOptions;
  #closed = false;

  constructor(options: WarmRunOptions) {
    this.#options = options;
  }

  /** Seconds a sandbox may wait for its run. */
  get idleSeconds(): number {
    return this.#options.idleSeconds;
  }

  /** The number of sandboxes waiting. */
  get size(): number {
    return this.#entries.size;
  }

  /** The sandbox started for `key`, now belonging to the caller; `undefined` when none is
   * (or it died meanwhile). */
  take(key: string): WarmEntry | undefined {
    const held = this.#entries.get(key);
    if (held === undefined) return undefined;
    this.#entries.delete(key);
    clearTimeout(held.timer);
    if (!held.entry.exited) return held.entry;
    this.#discard(held.entry);
    return undefined;
  }

  /** Starts a sandbox for `key` with `start` unless one waits already (or the pool is full of
   * more recent ones: the oldest is dropped). */
  offer(key: string, start: () => WarmEntry): void {
    if (this.#closed || this.#options.max === 0 || this.#entries.has(key)) return;
    let entry: WarmEntry;
    try {
      entry = start();
    } catch {
      return; // a run that cannot start ahead starts when it is asked for, and says why there
    }
    const timer = setTimeout(() => {
      if (this.#entries.get(key)?.entry === entry) this.#entries.delete(key);
      this.#discard(entry);
    }, this.#options.idleSeconds * 1000);
    Deno.unrefTimer(timer as unknown as number);
    this.#entries.set(key, { entry, timer });
    for (const [oldest, held] of this.#entries) {
      if (this.#entries.size <= this.#options.max) break;
      this.#entries.delete(oldest);
      clearTimeout(held.timer);
      this.#discard(held.entry);
    }
  }

  /** Kills every waiting sandbox (the config changed: their shapes may be stale). */
  async clear(): Promise<void> {
    for (const { entry, timer } of this.#entries.values()) {
      clearTimeout(timer);
      this.#discard(entry);
    }
    this.#entries.clear();
    await Promise.allSettled([...this.#discarding]);
  }

  /** Changes the limits (a config reload) and kills what they no longer allow. */
  async configure(options: WarmRunOptions): Promise<void> {
    this.#options = options;
    await this.clear();
  }

  /** Kills every waiting sandbox and starts no more. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.clear();
  }

  #discard(entry: WarmEntry): void {
    const done = entry.discard().catch(() => {}).finally(() => this.#discarding.delete(done));
    this.#discarding.add(done);
  }
}

let pool: WarmPool | undefined;

/** Turns warm runs on for this process (the daemon) and returns its pool. */
export function enableWarmRuns(options: WarmRunOptions): WarmPool {
  pool ??= new WarmPool(options);
  return pool;
}

/** This process's pool, when warm runs are on. */
export function warmRuns(): WarmPool | undefined {
  return pool;
}

/** Turns warm runs off again, killing what waits (the daemon's end). */
export async function disableWarmRuns(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}
