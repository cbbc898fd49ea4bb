/**
 * Runs a module in a child Deno with no permission at all: no `--allow-*` flag, nothing fetched
 * at run time (`--cached-only`, `--no-remote`), the project's lock file enforced and never
 * written, and a cleared environment that only keeps what Deno needs to find its cache. The
 * harness learns what a skill's code says about itself this way (argument schema, `--help`),
 * while that code can do nothing but print. Nothing it prints is trusted for a grant.
 *
 * @module
 */
import { resolve } from "node:path";

/** Where the child runs and how long it may take. */
export interface PermissionlessChildOptions {
  /** Working directory (the project root). */
  readonly cwd: string;
  /** The `deno.json` whose import map resolves the module; `undefined`: `--no-lock`, no config. */
  readonly configPath: string | undefined;
  /** Cancels the child. */
  readonly signal: AbortSignal;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Runs `entry` (a module specifier, usually a `data:` URL) with `args` in a permission-less child
 * and returns its output.
 */
export function runPermissionlessChild(
  entry: string,
  args: readonly string[],
  options: PermissionlessChildOptions,
): Promise<Deno.CommandOutput> {
  const { configPath } = options;
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--cached-only",
      "--no-remote",
      // Like the sandbox: a lock file beside the config must match, and none is ever written.
      ...(configPath === undefined ? ["--no-lock"] : [
        "--config",
        configPath,
        isFile(resolve(configPath, "..", "deno.lock")) ? "--frozen" : "--no-lock",
      ]),
      entry,
      ...args,
    ],
    cwd: options.cwd,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: options.signal,
  }).output();
}
