/**
 * Process groups started outside the daemon's own group (a sandboxed run leads its own, via
 * `setsid`), registered with the daemon's watchdog so that they die with the daemon too, SIGKILL
 * included. Outside the daemon nothing is registered and {@linkcode noteChildGroup} is a no-op.
 *
 * @module
 */

type Sink = (line: string) => void;

const SLOT = Symbol.for("mcpx.daemon.childGroups");

/** Called by the daemon: where group registrations go (the watchdog's pipe). */
export function setChildGroupSink(sink: Sink | undefined): void {
  (globalThis as unknown as Record<symbol, Sink | undefined>)[SLOT] = sink;
}

/**
 * Registers the process group `pgid` (a child that called `setsid`) for as long as it runs;
 * returns the function that unregisters it once the group is gone.
 */
export function noteChildGroup(pgid: number | undefined): () => void {
  const sink = (globalThis as unknown as Record<symbol, Sink | undefined>)[SLOT];
  if (sink === undefined || pgid === undefined) return () => {};
  sink(`+${pgid}`);
  return () => sink(`-${pgid}`);
}
