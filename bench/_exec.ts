/**
 * Runs `mcpx exec` as a user does (a subprocess of cli.ts) for the benchmarks.
 *
 * @module
 */
import { CLI, ROOT } from "../tests/helpers/paths.ts";

/** Runs `mcpx <args>` from the repository root, cold (`MCPX_DAEMON=0`: a daemon the user left
 * running must not serve these rows); throws with stderr when it fails. */
export async function mcpx(args: readonly string[]): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    cwd: ROOT,
    env: { MCPX_DAEMON: "0" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (result.code !== 0) {
    throw new Error(`mcpx ${args.join(" ")} failed (${result.code}): ${decode(result.stderr)}`);
  }
  return decode(result.stdout);
}

/** Runs `deno <args>` from the repository root; throws when it fails. */
export async function deno(args: readonly string[]): Promise<void> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (result.code !== 0) {
    throw new Error(`deno ${args.join(" ")} failed: ${new TextDecoder().decode(result.stderr)}`);
  }
}

/** Whether podman answers here. */
export async function podmanAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("podman", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}
