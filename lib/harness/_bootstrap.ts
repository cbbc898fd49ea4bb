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
function reportUncaughtInOneLine(verbose: boolean): void {
  const report = (what: string, reason: unknown) => {
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
}

/**
 * Installs the bridge, then imports the run's code through `load` (after the bridge, so a plain
 * script's top-level tool calls work), runs it and exits the process with its status.
 */
export async function bootstrap(
  argv: readonly string[],
  load: () => Promise<Record<string, unknown>>,
): Promise<never> {
  const args = argv[0] === ARGS_ON_STDIN ? await argsFromStdin() : argv;
  const [socketPath, argsJson, workspace, verbose, workers] = args;
  if (
    socketPath === undefined || argsJson === undefined || workspace === undefined ||
    workers === undefined
  ) {
    console.error("error: mcpx bootstrap: missing arguments (this is a bug in mcpx)");
    Deno.exit(70);
  }
  reportUncaughtInOneLine(verbose === "1");
  // Before the run's code is loaded: it must not see the unbounded Worker constructor.
  installWorkerBound(Number(workers));
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
