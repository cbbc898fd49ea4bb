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

async function main(args: string[]): Promise<number> {
  const [socketPath, skillPath, argsJson, workspace, verbose] = args;
  if (
    socketPath === undefined || skillPath === undefined || argsJson === undefined ||
    workspace === undefined
  ) {
    console.error("error: mcpx bootstrap: missing arguments (this is a bug in mcpx)");
    return 70;
  }
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
