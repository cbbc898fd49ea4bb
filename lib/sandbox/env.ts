/**
 * The environment of a sandboxed skill: a fixed, short list, never the host's. Host secrets,
 * proxy settings and `DENO_*` variables do not reach the skill; the only `DENO_*` values are the
 * ones set here so that the child finds the harness's module cache.
 *
 * @module
 */

/** Options for {@linkcode sandboxEnv}. */
export interface SandboxEnvOptions {
  /** The Deno cache the harness filled before the run (`deno info --json` → `denoDir`). */
  denoDir: string;
  /** `HOME` of the child: the workspace, so nothing reaches for the real home directory. */
  home: string;
  /** Variables the skill declared (`permissions.env`), copied from `hostEnv` when set there. */
  passNames?: readonly string[];
  /** Where declared variables are copied from. @default {} */
  hostEnv?: Readonly<Record<string, string>>;
}

/**
 * The complete environment for a sandboxed run.
 *
 * @example
 * ```ts
 * import { sandboxEnv } from "./env.ts";
 * const env = sandboxEnv({ denoDir: "/cache/deno", home: "/p/workspace" });
 * console.assert(env.NO_COLOR === "1" && env.HOME === "/p/workspace");
 * ```
 */
export function sandboxEnv(options: SandboxEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    DENO_DIR: options.denoDir,
    DENO_NO_UPDATE_CHECK: "1",
    HOME: options.home,
    NO_COLOR: "1",
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "C.UTF-8",
  };
  for (const name of options.passNames ?? []) {
    const value = options.hostEnv?.[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

let denoDirPromise: Promise<string> | undefined;

/** The Deno cache directory this `deno` uses (asked once per process). */
export function resolveDenoDir(): Promise<string> {
  denoDirPromise ??= (async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdout: "piped",
      stderr: "null",
      env: { NO_COLOR: "1" },
    }).output();
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir?: string };
    if (typeof info.denoDir !== "string") throw new Error("deno info --json gave no denoDir");
    return info.denoDir;
  })();
  return denoDirPromise;
}
