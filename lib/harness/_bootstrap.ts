/**
 * The entry module inside the sandbox. It connects the bridge guest to the socket named in its
 * arguments, runs the skill or script, closes the guest and exits with the skill's status.
 *
 * Arguments: `<socketPath> <skillPath> <argsJson> <workspace> <verbose 0|1>`.
 *
 * This is the sandboxed process's own main module, so it ends the process with `Deno.exit`
 * (like `cli.ts` does for the harness): a skill's leftover timers must not keep it alive.
 *
 * @module
 */
import { runSkillModule } from "../skills/run.ts";

interface GuestModule {
  installBridge(socketPath: string): unknown;
}

async function closeGuest(handle: unknown): Promise<void> {
  const h = await handle;
  if (typeof h === "function") await h();
  else if (h !== null && typeof h === "object" && "close" in h && typeof h.close === "function") {
    await h.close();
  }
}

async function main(args: string[]): Promise<number> {
  const [socketPath, skillPath, argsJson, workspace, verbose, guestUrl] = args;
  if (
    socketPath === undefined || skillPath === undefined || argsJson === undefined ||
    workspace === undefined || guestUrl === undefined
  ) {
    console.error("error: mcpx bootstrap: missing arguments (this is a bug in mcpx)");
    return 70;
  }
  const guest = await import(guestUrl) as GuestModule;
  const handle = await guest.installBridge(socketPath);
  try {
    return await runSkillModule(skillPath, JSON.parse(argsJson), {
      workspace,
      verbose: verbose === "1",
    });
  } finally {
    await closeGuest(handle);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
