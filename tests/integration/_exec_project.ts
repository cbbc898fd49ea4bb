/**
 * A throwaway mcpx project for the exec tests: a temp directory with an mcp_config.json whose
 * only server is server-everything over stdio (no network needed), and `mcpx exec` run as a
 * real subprocess inside it.
 *
 * @module
 */
import { CLI, ROOT, SERVERS } from "../helpers/paths.ts";

/** A temp project; `await using` removes it. */
export interface ExecProject extends AsyncDisposable {
  /** Its root (where mcp_config.json is). */
  readonly root: string;
  /** `<root>/workspace` (created by the first run). */
  readonly workspace: string;
  /** Runs `mcpx exec <args>` with cwd = root. */
  exec(args: string[], options?: { env?: Record<string, string> }): Promise<ExecRun>;
  /** Runs `mcpx <args>` (any command) with cwd = root. */
  mcpx(args: string[], options?: { env?: Record<string, string> }): Promise<ExecRun>;
}

/** One finished `mcpx exec`. */
export interface ExecRun {
  /** Exit status. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Absolute path of a fixture under `tests/fixtures/exec/`. */
export function fixture(name: string): string {
  return `${ROOT}/tests/fixtures/exec/${name}`;
}

/** Runs `mcpx <args>` as a subprocess in `cwd` (NO_COLOR, stdin closed, output collected). */
export async function runMcpx(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ExecRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** Creates the project. `sandbox` entries override the defaults (timeout 30, max 60). */
export async function execProject(sandbox: Record<string, unknown> = {}): Promise<ExecProject> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_exec_" }));
  const config = {
    mcpServers: {
      everything: { command: Deno.execPath(), args: ["run", "-A", "--quiet", SERVERS.everything] },
      // Configured but never allowed to the test scripts: calls must be refused, not made.
      memory: { command: Deno.execPath(), args: ["run", "-A", "--quiet", SERVERS.memory] },
    },
    sandbox: { tier: "deno", timeout: 30, max_timeout: 60, memory_limit: "256m", ...sandbox },
  };
  await Deno.writeTextFile(`${root}/mcp_config.json`, JSON.stringify(config, null, 2));
  const mcpx: ExecProject["mcpx"] = (args, options = {}) => runMcpx(root, args, options.env);
  return {
    root,
    workspace: `${root}/workspace`,
    exec: (args, options) => mcpx(["exec", ...args], options),
    mcpx,
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}
