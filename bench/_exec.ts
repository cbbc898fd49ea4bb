/**
 * Runs `mcpx exec` as a user does (a subprocess of cli.ts) for the benchmarks.
 *
 * @module
 */
import { CLI, ROOT } from "../tests/helpers/paths.ts";

/** The no-op script of the exec rows. */
export const NOOP = "bench/fixtures/noop.ts";

/** `deno run` of `script` with the same permission flags the fast tier gives a plain script. */
export function bareDenoArgs(script: string): string[] {
  const workspace = `${ROOT}/workspace`;
  return [
    "run",
    "--no-prompt",
    "--cached-only",
    "--no-remote",
    `--allow-read=${workspace}`,
    `--allow-write=${workspace}`,
    script,
  ];
}

/** Runs `mcpx <args>` from the repository root, cold by default (`MCPX_DAEMON=0`: a daemon the
 * user left running must not serve these rows); `env` replaces that for the daemon's own rows.
 * Throws with stderr when it fails. */
export async function mcpx(
  args: readonly string[],
  env: Record<string, string> = { MCPX_DAEMON: "0" },
): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    cwd: ROOT,
    env,
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
