/**
 * What a daemon's run starts outside the daemon's own process group, registered with the
 * daemon's watchdog so that it dies with the daemon too, SIGKILL included: process groups (a
 * sandboxed run leads its own, via `setsid`) and podman containers (they run under podman's
 * `conmon`, in no process group of the daemon's). Outside the daemon nothing is registered and
 * {@linkcode noteChildGroup} / {@linkcode noteContainer} are no-ops.
 *
 * @module
 */

type Sink = (line: string) => void;

const SLOT = Symbol.for("mcpx.daemon.childGroups");

/** Called by the daemon: where registrations go (the watchdog's pipe, one line each). */
export function setChildGroupSink(sink: Sink | undefined): void {
  (globalThis as unknown as Record<symbol, Sink | undefined>)[SLOT] = sink;
}

function sink(): Sink | undefined {
  return (globalThis as unknown as Record<symbol, Sink | undefined>)[SLOT];
}

/**
 * Registers the process group `pgid` (a child that called `setsid`) for as long as it runs;
 * returns the function that unregisters it once the group is gone.
 */
export function noteChildGroup(pgid: number | undefined): () => void {
  const send = sink();
  if (send === undefined || pgid === undefined) return () => {};
  send(`+${pgid}`);
  return () => send(`-${pgid}`);
}

/** A container name the watchdog accepts: podman's own alphabet, no spaces or newlines. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * Registers the podman container `name` before it is created, with the podman executable that
 * creates it (`podman` is the one the watchdog runs `rm --force` with, in the daemon's own
 * environment and user, exactly as the tier runs it); returns the function that unregisters it
 * once the container is removed.
 */
export function noteContainer(name: string, podman: string): () => void {
  const send = sink();
  if (send === undefined) return () => {};
  if (!CONTAINER_NAME.test(name) || /[\n\0]/.test(podman)) {
    throw new Error(`noteContainer: "${name}" is not a container name the watchdog can remove`);
  }
  send(`c+${name} ${podman}`);
  return () => send(`c-${name}`);
}
