/**
 * The sandboxed process's code around the run. The entry module is generated per run by the
 * harness (see `_entry.ts`): it imports this module and the run's code with literal
 * specifiers, so Deno loads the whole module graph (checked by the harness to lie inside the
 * run's code roots) without any read permission, then calls {@linkcode bootstrap}, which connects
 * the bridge guest to the socket named in its arguments, loads the run's code, runs it and exits
 * with its status.
 *
 * Arguments: `<socketPath> <argsJson> <workspace> <verbose 0|1> <workers>`, or `--args-on-stdin`
 * and the same five as one JSON array on stdin (the fast tier's way: a process started ahead of
 * its run learns them when the run starts, and they never show in the process list).
 *
 * This is the sandboxed process's main code, so it ends the process with `Deno.exit` (as
 * `cli.ts` does for the harness): a run's leftover timers must not keep it alive.
 *
 * @module
 */
import { installBridge } from "../bridge/guest.ts";
import { runSkillModule } from "../skills/run.ts";
import { installWorkerBound } from "../sandbox/_worker_bound.ts";
import { ARGS_ON_STDIN } from "../sandbox/tier.ts";

/** The arguments sent on stdin: one JSON array of strings, then end of file. */
async function argsFromStdin(): Promise<readonly string[]> {
  const text = await new Response(Deno.stdin.readable).text();
  try {
    const args: unknown = JSON.parse(text);
    if (Array.isArray(args) && args.every((arg) => typeof arg === "string")) return args;
  } catch {
    // Reported below.
  }
  console.error("error: mcpx bootstrap: no arguments on stdin (this is a bug in mcpx)");
  Deno.exit(70);
}

/** An uncaught error or unhandled rejection in the skill is one `error:` line (the stack too
 * with --verbose) and exit status 1, not Deno's multi-line report. */
function reportUncaughtInOneLine(): { verbose: boolean } {
  const options = { verbose: false };
  const report = (what: string, reason: unknown) => {
    const verbose = options.verbose;
    const message = reason instanceof Error ? reason.message : String(reason);
    console.error(`error: ${message} (${what} in the skill)`);
    if (verbose && reason instanceof Error && reason.stack) console.error(reason.stack);
    Deno.exit(1);
  };
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    report("an unhandled promise rejection", event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    report("an uncaught error", event.error);
  });
  return options;
}

/** What the entry knows before the run's arguments (see `_entry.ts`). */
export interface EarlyOptions {
  /** `grant.limits.workers`: the Worker bound, installed before any other code is evaluated. */
  readonly workers: number;
  /** Evaluates the npm modules the run's code imports (never the run's own files). */
  readonly preload: () => Promise<unknown>;
}

/**
 * Installs the bridge, then imports the run's code through `load` (after the bridge, so a plain
 * script's top-level tool calls work), runs it and exits the process with its status. With
 * `early`, the Worker bound is installed first and the npm modules the code imports are evaluated
 * before the arguments are read: a sandbox started ahead of its run does that while it waits.
 */
export async function bootstrap(
  argv: readonly string[],
  load: () => Promise<Record<string, unknown>>,
  early?: EarlyOptions,
): Promise<never> {
  const uncaught = reportUncaughtInOneLine();
  if (early !== undefined) {
    // Before any package is evaluated: none may see the unbounded Worker constructor.
    installWorkerBound(early.workers);
    // A package that fails here fails again, and is reported, when the run's code imports it.
    await early.preload().catch(() => {});
  }
  const args = argv[0] === ARGS_ON_STDIN ? await argsFromStdin() : argv;
  const [socketPath, argsJson, workspace, verbose, workers] = args;
  if (
    socketPath === undefined || argsJson === undefined || workspace === undefined ||
    workers === undefined
  ) {
    console.error("error: mcpx bootstrap: missing arguments (this is a bug in mcpx)");
    Deno.exit(70);
  }
  uncaught.verbose = verbose === "1";
  // Before the run's code is loaded: it must not see the unbounded Worker constructor.
  if (early === undefined) installWorkerBound(Number(workers));
  const guest = await installBridge(socketPath);
  let code: number;
  try {
    code = await runSkillModule(load, JSON.parse(argsJson), {
      workspace,
      verbose: verbose === "1",
    });
  } finally {
    await guest.close();
  }
  Deno.exit(code);
}
