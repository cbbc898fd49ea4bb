/**
 * Runs one attack module in the fast tier (`DenoTier`) with a grant built here: the workspace
 * read-write, the attacks folder as code, nothing else unless a test widens it. `escaped: true`
 * runs Deno with every permission, standing for code that got past Deno's checks, so that only
 * the second wall (bubblewrap) and the cgroup stand between the attack and the host.
 *
 * @module
 */
import assert from "node:assert/strict";
import { drainCgroupPool } from "../../lib/sandbox/cgroup.ts";
import { DenoTier, type DenoTierOptions } from "../../lib/sandbox/deno_tier.ts";
import { resolveDenoDir, sandboxEnv } from "../../lib/sandbox/env.ts";
import type { Grant, NetGrant } from "../../lib/sandbox/grant.ts";
import type { SandboxRunOutcome } from "../../lib/sandbox/tier.ts";
import { fromFileUrl } from "../helpers/_node_path.ts";

/** What a wall test may set. */
export interface WallRunOptions {
  /** Arguments after the attack module. */
  args?: string[];
  /** Run Deno with every permission: only the OS wall holds. @default false */
  escaped?: boolean;
  /** Hosts granted. @default [] */
  net?: NetGrant[];
  /** Extra read-only paths granted. */
  read?: string[];
  /** @default 512 */
  memoryMb?: number;
  /** @default 64 */
  pidsLimit?: number;
  /** @default 8 */
  workers?: number;
  /** @default 30000 */
  timeoutMs?: number;
  /** Build the wall at all. @default true */
  wall?: boolean;
  /** Options of the tier (a stand-in host without bubblewrap, require_os_isolation). */
  tier?: DenoTierOptions;
}

/** How the run ended. */
export interface WallRunResult {
  outcome: SandboxRunOutcome;
  stdout: string;
  stderr: string;
  workspace: string;
}

const ATTACKS = fromFileUrl(new URL("./attacks", import.meta.url));
/** mcpx's own library: the bootstrap's code (the worker bound lives there). */
const LIB = fromFileUrl(new URL("../../lib", import.meta.url));

/** Runs `tests/sandbox/attacks/<name>.ts` in the fast tier with a grant made here. */
export async function runWalled(
  name: string,
  options: WallRunOptions = {},
): Promise<WallRunResult> {
  const project = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_wall_" }));
  const workspace = `${project}/workspace`;
  const bridgeDir = `${project}/bridge`;
  await Deno.mkdir(workspace);
  await Deno.mkdir(bridgeDir, { mode: 0o700 });
  const denoDir = await resolveDenoDir();
  const grant: Grant = {
    code: [ATTACKS, LIB, denoDir],
    read: [workspace, ATTACKS, ...(options.read ?? [])],
    write: [workspace],
    net: options.net ?? [],
    env: [],
    servers: [],
    limits: {
      timeoutMs: options.timeoutMs ?? 30_000,
      memoryMb: options.memoryMb ?? 512,
      cpus: 1,
      pidsLimit: options.pidsLimit ?? 64,
      workers: options.workers ?? 8,
      outputLimitBytes: 1024 * 1024,
    },
  };
  const out: string[] = [];
  const err: string[] = [];
  try {
    const outcome = await new DenoTier({ wall: options.wall ?? true, ...options.tier }).run({
      runId: crypto.randomUUID().slice(0, 12),
      entry: `${ATTACKS}/${name}.ts`,
      entryArgs: options.args ?? [],
      grant,
      deno: { lock: "none", denoDir },
      support: [],
      cwd: workspace,
      env: sandboxEnv({ denoDir, home: workspace }),
      bridgeDir,
      bridgeSocket: `${bridgeDir}/bridge.sock`,
      ...(options.escaped ? { escapedDeno: true } : {}),
      onStdout: (chunk) => out.push(new TextDecoder().decode(chunk)),
      onStderr: (chunk) => err.push(new TextDecoder().decode(chunk)),
    });
    return { outcome, stdout: out.join(""), stderr: err.join(""), workspace };
  } finally {
    await Deno.remove(project, { recursive: true });
  }
}

/** The `REFUSED …`/`ALLOWED …` line printed for the attempt labelled `label`. */
export function verdict(stdout: string, label: string): string {
  const line = stdout.split("\n").find((l) => l.startsWith(`${label}: `));
  if (line === undefined) throw new Error(`no verdict for ${label} in:\n${stdout}`);
  return line.slice(label.length + 2);
}

/** The cgroups this process left behind, besides the idle ones it keeps for its next runs
 * (dropped first): must be none after every run. */
export function leftoverCgroups(): string[] {
  drainCgroupPool();
  const left: string[] = [];
  for (const root of ["/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup"]) {
    const walk = (dir: string, depth: number) => {
      if (depth > 4) return;
      try {
        for (const entry of Deno.readDirSync(dir)) {
          if (!entry.isDirectory) continue;
          if (entry.name.startsWith(`mcpx-${Deno.pid}-`)) left.push(`${dir}/${entry.name}`);
          else walk(`${dir}/${entry.name}`, depth + 1);
        }
      } catch {
        // unreadable
      }
    };
    walk(root, 0);
  }
  return left;
}

/** The harness still works after an attack: a plain run prints "ok", and no cgroup is left. */
export async function harnessStillWorks(): Promise<void> {
  const ok = await runWalled("wall_ok");
  assert.equal(ok.outcome.code, 0, ok.stderr);
  assert.equal(ok.stdout, "ok\n");
  assert.deepEqual(leftoverCgroups(), []);
}
