/**
 * Running a command as the unprivileged test user (`mcpxci`, created by `.ci/podman-setup`)
 * from a root test: `runuser` into that user with exactly the environment given.
 *
 * @module
 */

/** The unprivileged user the rootless tests run as. */
export const ROOTLESS_USER = "mcpxci";

/** The uid of `name` from `/etc/passwd`; `undefined` when there is no such user. */
export function userUid(name: string = ROOTLESS_USER): number | undefined {
  try {
    const passwd = Deno.readTextFileSync("/etc/passwd");
    const line = passwd.split("\n").find((l) => l.startsWith(`${name}:`));
    return line === undefined ? undefined : Number(line.split(":")[2]);
  } catch {
    return undefined;
  }
}

/** Whether the rootless user may execute `path` (false when this process cannot switch user). */
export async function userCanExecute(path: string): Promise<boolean> {
  return await new Deno.Command("runuser", {
    args: ["-u", ROOTLESS_USER, "--", "test", "-x", path],
  }).output().then((out) => out.success, () => false);
}

/**
 * Runs `argv` as the rootless user with exactly `env` (nothing of this process's environment),
 * capturing stdout and stderr.
 */
export function runAsUser(
  env: Readonly<Record<string, string>>,
  argv: readonly string[],
): Promise<Deno.CommandOutput> {
  return new Deno.Command("runuser", {
    args: [
      "-u",
      ROOTLESS_USER,
      "--",
      "env",
      "-i",
      ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
      ...argv,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
}
