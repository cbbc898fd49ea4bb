/**
 * Runs one attack script in the real fast tier, the way the harness does: derived flags, cleared
 * environment, a fresh temporary workspace, its own process group. The attack is the entry
 * module, so the skill's code needs no read grant, exactly as with the harness's bootstrap.
 *
 * @module
 */
import { batteryGrant, type GrantRequest } from "./_grant.ts";
import { resolveDenoDir, sandboxEnv } from "../../lib/sandbox/env.ts";
import { DenoTier } from "../../lib/sandbox/deno_tier.ts";
import type { SandboxRunOutcome } from "../../lib/sandbox/tier.ts";
import { fromFileUrl } from "../helpers/_node_path.ts";
import { ROOT } from "../helpers/paths.ts";

/** What a test may widen; everything else is the harness default (workspace only). */
export interface FastRunOptions extends GrantRequest {
  /** Arguments after the attack module. */
  args?: string[];
  /** Called with the workspace path before the run (to plant files). */
  prepare?: (workspace: string) => Promise<void> | void;
  /** @default 20000 */
  timeoutMs?: number;
  /** @default 256 */
  memoryMb?: number;
  /** @default 1 MiB */
  outputLimitBytes?: number;
  /** Host environment the declared `env` names are copied from. */
  hostEnv?: Record<string, string>;
  /** Aborts the run, like SIGINT/SIGTERM of the harness. */
  signal?: AbortSignal;
}

/** How an attack run ended, with its output decoded. */
export interface FastRunResult {
  /** The tier's outcome. */
  outcome: SandboxRunOutcome;
  /** Everything the attack printed on stdout (after the cap). */
  stdout: string;
  /** Everything on stderr, including the tier's notices. */
  stderr: string;
  /** The workspace the run used (already removed). */
  workspace: string;
}

/** Absolute path of an attack module. */
export function attack(name: string): string {
  return fromFileUrl(new URL(`./attacks/${name}.ts`, import.meta.url));
}

/** Runs `tests/sandbox/attacks/<name>.ts` in the deno tier. */
export async function runAttack(
  name: string,
  options: FastRunOptions = {},
): Promise<FastRunResult> {
  const project = await Deno.makeTempDir({ prefix: "mcpx_battery_" });
  const workspace = `${project}/workspace`;
  const bridgeDir = `${project}/bridge`;
  await Deno.mkdir(workspace);
  await Deno.mkdir(bridgeDir, { mode: 0o700 });
  try {
    await options.prepare?.(workspace);
    const memoryMb = options.memoryMb ?? 256;
    const denoDir = await resolveDenoDir();
    const chunks = { out: [] as Uint8Array[], err: [] as Uint8Array[] };
    const outcome = await new DenoTier().run({
      runId: crypto.randomUUID(),
      entry: attack(name),
      entryArgs: options.args ?? [],
      grant: batteryGrant(workspace, options, {
        timeoutMs: options.timeoutMs ?? 20_000,
        memoryMb,
        outputLimitBytes: options.outputLimitBytes ?? 1024 * 1024,
      }),
      deno: { configPath: `${ROOT}/deno.json`, lock: "frozen", denoDir },
      support: [`${ROOT}/deno.json`, `${ROOT}/deno.lock`],
      cwd: workspace,
      env: sandboxEnv({
        denoDir,
        home: workspace,
        passNames: options.env ?? [],
        hostEnv: options.hostEnv ?? {},
      }),
      bridgeDir,
      bridgeSocket: `${bridgeDir}/bridge.sock`,
      ...(options.signal ? { signal: options.signal } : {}),
      onStdout: (chunk) => chunks.out.push(chunk.slice()),
      onStderr: (chunk) => chunks.err.push(chunk.slice()),
    });
    const decode = (parts: Uint8Array[]) => {
      const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
      let at = 0;
      for (const part of parts) {
        all.set(part, at);
        at += part.length;
      }
      return new TextDecoder().decode(all);
    };
    return { outcome, stdout: decode(chunks.out), stderr: decode(chunks.err), workspace };
  } finally {
    await Deno.remove(project, { recursive: true });
  }
}

/** The `REFUSED …`/`ALLOWED …` lines an attack printed. */
export function verdicts(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^(REFUSED|ALLOWED) /.test(line));
}
