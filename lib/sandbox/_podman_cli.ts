/**
 * Runs the `podman` client for the strict tier: short commands with captured output, and the
 * kill-and-remove sequence that guarantees no container is left behind.
 *
 * @module
 */

/** What a finished short podman command printed. */
export interface PodmanOutput {
  /** Exit status of the podman client. */
  readonly code: number;
  /** Standard output, decoded. */
  readonly stdout: string;
  /** Standard error, decoded. */
  readonly stderr: string;
}

/** The podman executable: `$MCPX_PODMAN` when set, else `podman` on PATH. */
export function podmanCommand(): string {
  return Deno.env.get("MCPX_PODMAN") ?? "podman";
}

/** Runs `podman <args>` to completion; never throws for a non-zero exit, only when absent. */
export async function podman(args: readonly string[]): Promise<PodmanOutput> {
  // conmon writes files such as "oom" into its working directory: a private one, not the user's.
  const cwd = await Deno.makeTempDir({ prefix: "mcpx-podman-cwd-" });
  const out = await new Deno.Command(podmanCommand(), {
    args: [...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output().finally(() => Deno.remove(cwd, { recursive: true }).catch(() => undefined));
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** Whether `podman` can be started at all. */
export async function podmanVersion(): Promise<string | undefined> {
  try {
    const out = await podman(["--version"]);
    return out.code === 0 ? out.stdout.trim().replace(/^podman version /, "") : undefined;
  } catch {
    return undefined;
  }
}

/** Kills (SIGKILL) and removes a container by name; silent when it does not exist. */
export async function killAndRemove(name: string): Promise<void> {
  await podman(["kill", "--signal", "KILL", name]).catch(() => undefined);
  await removeContainer(name);
}

/** Removes a container by name, forcibly; silent when it does not exist. */
export async function removeContainer(name: string): Promise<void> {
  await podman(["rm", "--force", "--time", "0", "--ignore", name]).catch(() => undefined);
}

/** Exit code and OOM flag of a finished container, or `undefined` when it is gone. */
export async function inspectExit(
  name: string,
): Promise<{ exitCode: number; oomKilled: boolean } | undefined> {
  const out = await podman([
    "inspect",
    "--type",
    "container",
    "--format",
    "{{.State.ExitCode}} {{.State.OOMKilled}}",
    name,
  ]).catch(() => undefined);
  if (out === undefined || out.code !== 0) return undefined;
  const [code, oom] = out.stdout.trim().split(" ");
  const exitCode = Number(code);
  return Number.isInteger(exitCode) ? { exitCode, oomKilled: oom === "true" } : undefined;
}
