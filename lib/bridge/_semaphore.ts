/**
 * A counting semaphore: the host's bound on requests served at once. Waiters are the connection
 * read loops (one each at most), so the waiting list itself stays small.
 *
 * @module
 */

/** Hands out at most `limit` slots at once; further `acquire()` calls wait in FIFO order. */
export class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  /** Creates a semaphore with `limit` slots. */
  constructor(limit: number) {
    this.#free = limit;
  }

  /** Resolves when a slot is free; call `release()` exactly once afterwards. */
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Returns a slot, waking the oldest waiter. */
  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}
