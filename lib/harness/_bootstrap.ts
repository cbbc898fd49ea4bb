/**
 * The entry module inside the sandbox. It connects the bridge guest to the socket named in its
 * arguments, runs the skill or script, closes the guest and exits with the skill's status.
 *
 * Arguments: `<socketPath> <skillPath> <argsJson> <workspace> <verbose 0|1>`.
 *
 * Its own imports are static, so Deno needs no read permission for them; only the skill, which
 * is imported dynamically, needs its module files granted.
 *
 * This is the sandboxed process's main module, so it ends the process with `Deno.exit` (as
 * `cli.ts` does for the harness): a skill's leftover timers must not keep it alive.
 *
 * @module
 */
import { installBridge } from "../bridge/guest.ts";
import { runSkillModule } from "../skills/run.ts";

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

async function main(args: string[]): Promise<number> {
  const [socketPath, skillPath, argsJson, workspace, verbose] = args;
  if (
    socketPath === undefined || skillPath === undefined || argsJson === undefined ||
    workspace === undefined
  ) {
    console.error("error: mcpx bootstrap: missing arguments (this is a bug in mcpx)");
    return 70;
  }
  reportUncaughtInOneLine(verbose === "1");
  const guest = await installBridge(socketPath);
  try {
    return await runSkillModule(skillPath, JSON.parse(argsJson), {
      workspace,
      verbose: verbose === "1",
    });
  } finally {
    await guest.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
