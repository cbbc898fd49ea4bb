/**
 * A bound on the Web Workers one run may start, installed by the harness bootstrap before the
 * skill's code loads (its first import). Each Worker is a V8 isolate with its own heap cap and
 * threads, so an unbounded count multiplies the per-isolate heap cap; the OS cgroup (memory and
 * pids) is the hard limit, this bound is the second mechanism and the one with a clear message.
 *
 * The harness bootstrap calls {@linkcode installWorkerBound} with `grant.limits.workers` (passed
 * in its arguments) before it imports the run's code; it works the same in both tiers.
 *
 * How the original constructor is kept out of reach: the bounded constructor is a plain function
 * (not a subclass, whose prototype chain would lead back to the original), it shares the
 * original's `prototype` object, and that prototype's `constructor` now points to the bound one;
 * `globalThis.Worker` is redefined non-writable and non-configurable. So `instance.constructor`,
 * `Worker.prototype.constructor`, `Object.getPrototypeOf(Worker)` and `self.Worker` all lead to
 * the bound. What remains (written down in docs/exec.md): code inside a Worker sees that
 * Worker's own, unbounded `Worker` global; nested Workers are bounded only by the cgroup's pids
 * and memory limits (as root) and by each isolate's heap cap.
 *
 * @module
 */

/**
 * Replaces `globalThis.Worker` with a constructor that refuses once `limit` Workers have been
 * started in this run (started, not alive: a terminated Worker still counts).
 *
 * @example
 * ```ts ignore
 * import { installWorkerBound } from "./_worker_bound.ts";
 * installWorkerBound(4); // before the run's code is imported
 * ```
 */
export function installWorkerBound(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`installWorkerBound: expected a non-negative integer, got ${limit}`);
  }
  const Original = globalThis.Worker;
  if (typeof Original !== "function") return;
  let started = 0;
  const construct = Reflect.construct;
  const Bounded = function Worker(
    this: unknown,
    specifier: string | URL,
    options?: WorkerOptions,
  ): Worker {
    if (new.target === undefined) {
      throw new TypeError("Failed to construct 'Worker': Please use the 'new' operator.");
    }
    if (started >= limit) {
      throw new DOMException(
        `mcpx: this run may start at most ${limit} Web Workers (limits.workers); ` +
          `it tried to start one more`,
        "QuotaExceededError",
      );
    }
    started++;
    return construct(Original, [specifier, options], new.target);
  } as unknown as typeof Worker;
  Object.defineProperty(Bounded, "prototype", { value: Original.prototype, writable: false });
  Object.defineProperty(Original.prototype, "constructor", {
    value: Bounded,
    writable: false,
    configurable: false,
    enumerable: false,
  });
  Object.defineProperty(globalThis, "Worker", {
    value: Bounded,
    writable: false,
    configurable: false,
    enumerable: false,
  });
}
