/**
 * `mcpx doctor`'s fast-tier rows for the second wall and the memory limit, measured by real runs
 * of the fast tier: a probe with Deno's permissions switched off tries to read a host file, see
 * the harness's process and reach a host port; a second run allocates past a small limit.
 *
 * @module
 */
import { wallSupport } from "./bwrap.ts";
import { cgroupSupport } from "./cgroup.ts";
import { DenoTier } from "./deno_tier.ts";
import { resolveDenoDir, sandboxEnv } from "./env.ts";
import type { Grant } from "./grant.ts";
import type { SandboxRunOutcome, SandboxRunSpec } from "./tier.ts";

/** One measured row (the shape of `DoctorCheck`). */
export interface WallCheck {
  readonly id: string;
  readonly tier: "deno";
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
}

const PROBE = `
const [secret, pid, port] = Deno.args;
const seen = [];
try { Deno.readTextFileSync(secret); seen.push("host file"); } catch {}
try { Deno.statSync("/proc/" + pid); seen.push("harness process"); } catch {}
try { (await Deno.connect({ hostname: "127.0.0.1", port: Number(port) })).close(); seen.push("host port"); } catch {}
console.log(seen.length ? "SEEN " + seen.join(", ") : "NOTHING");
`;

const HOG = `
const keep = [];
for (let i = 0; i < 8; i++) keep.push(new Uint8Array(32 * 1024 * 1024).fill(1));
console.log("survived");
`;

/**
 * The spec of a measuring run of `entry` in a scratch `workspace` (its cwd, home and bridge
 * folder), without a lock file; `mcpx doctor`'s probes and the wall benchmark run this way.
 */
export function scratchRunSpec(
  workspace: string,
  run: { entry: string; entryArgs: readonly string[]; grant: Grant; denoDir: string },
): SandboxRunSpec {
  return {
    runId: crypto.randomUUID().slice(0, 12),
    entry: run.entry,
    entryArgs: run.entryArgs,
    grant: run.grant,
    deno: { lock: "none", denoDir: run.denoDir },
    support: [],
    cwd: workspace,
    env: sandboxEnv({ denoDir: run.denoDir, home: workspace }),
    bridgeDir: workspace,
    bridgeSocket: `${workspace}/bridge.sock`,
  };
}

async function probeRun(
  code: string,
  args: string[],
  memoryMb: number,
  escaped: boolean,
): Promise<{ outcome: SandboxRunOutcome; stdout: string }> {
  const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_doctor_" }));
  const denoDir = await resolveDenoDir();
  const grant: Grant = {
    code: [],
    read: [workspace],
    write: [workspace],
    net: [],
    env: [],
    servers: [],
    limits: {
      timeoutMs: 15_000,
      memoryMb,
      cpus: 1,
      pidsLimit: 64,
      workers: 1,
      outputLimitBytes: 4096,
    },
  };
  let stdout = "";
  try {
    const entry = `data:application/javascript,${encodeURIComponent(code)}`;
    const outcome = await new DenoTier().run({
      ...scratchRunSpec(workspace, { entry, entryArgs: args, grant, denoDir }),
      runId: `doctor${crypto.randomUUID().slice(0, 8)}`,
      ...(escaped ? { escapedDeno: true } : {}),
      onStdout: (chunk) => stdout += new TextDecoder().decode(chunk),
    });
    return { outcome, stdout };
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}

/** The second wall: whether it can be built, and whether a probe behind it sees the host. */
async function wallCheck(): Promise<WallCheck> {
  const base = { id: "deno.wall", tier: "deno" as const, label: "second wall (bubblewrap)" };
  const support = await wallSupport();
  if (!support.available) {
    return {
      ...base,
      ok: false,
      detail: `not available: ${support.reason}; runs are confined by Deno's permissions alone ` +
        `(sandbox.require_os_isolation refuses instead)`,
      fix: support.fix,
    };
  }
  const dir = await Deno.makeTempDir({ prefix: "mcpx_doctor_secret_" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await Deno.writeTextFile(`${dir}/secret`, "x");
    const port = String((listener.addr as Deno.NetAddr).port);
    const { outcome, stdout } = await probeRun(
      PROBE,
      [`${dir}/secret`, String(Deno.pid), port],
      256,
      true,
    );
    const held = outcome.code === 0 && stdout.trim() === "NOTHING";
    return {
      ...base,
      ok: held,
      detail: held
        ? "a probe with Deno's permissions switched off saw no host file, no harness " +
          "process (own PID namespace) and no host port (own network namespace)"
        : `a probe with Deno's permissions switched off ${
          stdout.startsWith("SEEN")
            ? `saw: ${stdout.trim().slice(5)}`
            : `failed (exit ${outcome.code})`
        }`,
      ...(held ? {} : { fix: "report this with the output of mcpx doctor --json" }),
    };
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** One memory limit over the whole run: which mechanism, and whether a hog is stopped by it. */
async function memoryLimitCheck(): Promise<WallCheck> {
  const base = { id: "deno.memory_limit", tier: "deno" as const, label: "memory limit per run" };
  const support = cgroupSupport();
  if (support.kind === "none") {
    return {
      ...base,
      ok: false,
      detail: `none: ${support.reason}; memory is capped per isolate (V8 heap) only and ` +
        "Workers by count (buffers and WebAssembly memory are not capped)",
      fix: "run as root (cgroup v1 or v2) or in a delegated cgroup v2 (systemd-run --user " +
        "--scope -p Delegate=yes), or use --tier podman",
    };
  }
  const { outcome, stdout } = await probeRun(HOG, [], 64, false);
  const held = outcome.killed === "memory" && !stdout.includes("survived");
  const mechanism = `cgroup ${support.kind} (memory${support.kind === "v1" ? ", memsw" : ""}` +
    `${support.pids ? ", pids" : ""})`;
  return {
    ...base,
    ok: held,
    detail: held
      ? `${mechanism}: a run holding 256 MiB of ArrayBuffers under a 64 MiB limit was killed`
      : `${mechanism}: a run holding 256 MiB of ArrayBuffers under a 64 MiB limit was NOT ` +
        `killed (exit ${outcome.code})`,
    ...(held ? {} : { fix: "check the memory controller of the harness's cgroup" }),
  };
}

/** The fast tier's wall and memory rows. */
export async function wallChecks(): Promise<WallCheck[]> {
  return [await wallCheck(), await memoryLimitCheck()];
}
