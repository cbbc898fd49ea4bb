/**
 * Runs one module in the real strict (podman) tier, the way the harness does: a grant
 * rendered by the tier, the cleared environment, a fresh temporary project with a workspace and a
 * private bridge directory. Used by every `tests/sandbox/podman_*_test.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { batteryGrant, type GrantRequest } from "../_grant.ts";
import { resolveDenoDir, sandboxEnv } from "../../../lib/sandbox/env.ts";
import { createPodmanTier } from "../../../lib/sandbox/podman_tier.ts";
import type { SandboxRunOutcome, SandboxRunSpec } from "../../../lib/sandbox/tier.ts";
import { fromFileUrl } from "../../helpers/_node_path.ts";
import { ROOT } from "../../helpers/paths.ts";

/** Whether `podman` runs here at all. */
export const PODMAN_AVAILABLE: boolean = (() => {
  try {
    return new Deno.Command("podman", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** The reason tests give when podman is missing. */
export const NO_PODMAN = "podman is not installed (run .ci/podman-setup)";

/** The probe skill (`probe.ts <action> [arg]`). */
export const PROBE: string = fromFileUrl(new URL("./probe.ts", import.meta.url));

/** Absolute path of one of the fast tier's attack modules (`tests/sandbox/attacks/`). */
export function attack(name: string): string {
  return fromFileUrl(new URL(`../attacks/${name}.ts`, import.meta.url));
}

/** What a test may change; everything else is the harness default (workspace only). */
export interface StrictRunOptions extends GrantRequest {
  /** Arguments after the entry (a function gets the run's paths). */
  args?: string[] | ((paths: StrictPaths) => string[]);
  /** Run Deno with `--allow-all`, standing for a skill that escaped Deno's permissions. */
  escaped?: boolean;
  /** Called with the project paths before the run (to plant files, open the bridge). */
  prepare?: (paths: StrictPaths) => Promise<void> | void;
  /** Called after the run, before the temporary project is removed. */
  after?: (paths: StrictPaths) => Promise<void> | void;
  /** @default 30000 */
  timeoutMs?: number;
  /** @default 256 */
  memoryMb?: number;
  /** @default 64 */
  pidsLimit?: number;
  /** @default 1 MiB */
  outputLimitBytes?: number;
  /** Extra environment for the skill. */
  env?: string[];
  /** Aborts the run. */
  signal?: AbortSignal;
  /** Sees stdout as it arrives. */
  onStdout?: (text: string) => void;
  /** Called with the spec's run id before the run starts. */
  onRunId?: (runId: string) => void;
  /** The OCI runtime (`sandbox.runtime`), e.g. `runsc`; default the one that works. */
  runtime?: string;
  /** Keep the temporary project private (0700); by default it is searchable (0755), as a
   * checkout usually is (gVisor's gofer must be able to enter every directory above a mount). */
  privateProject?: boolean;
  /** More code roots, computed from the run's paths (folders planted by `prepare`). */
  extraCode?: (paths: StrictPaths) => string[];
}

/** The temporary project of one run. */
export interface StrictPaths {
  /** The writable workspace (the skill's cwd). */
  workspace: string;
  /** The private bridge directory; the socket is `bridge.sock` inside. */
  bridgeDir: string;
  /** The temporary project holding both (outside the grant: a place to plant files). */
  project: string;
}

/** How a strict run ended, with its output decoded. */
export interface StrictRunResult {
  /** The tier's outcome. */
  outcome: SandboxRunOutcome;
  /** What the skill printed on stdout. */
  stdout: string;
  /** What it printed on stderr, with the tier's notices. */
  stderr: string;
  /** The run id (the container was `mcpx-<runId>`). */
  runId: string;
}

/** Runs `entry` in the podman tier. */
export async function runStrict(
  entry: string,
  options: StrictRunOptions = {},
): Promise<StrictRunResult> {
  const project = await Deno.makeTempDir({ prefix: "mcpx_strict_" });
  if (!options.privateProject) await Deno.chmod(project, 0o755);
  const workspace = `${project}/workspace`;
  const bridgeDir = `${project}/bridge`;
  await Deno.mkdir(workspace);
  await Deno.mkdir(bridgeDir, { mode: 0o700 });
  const runId = crypto.randomUUID().slice(0, 12);
  options.onRunId?.(runId);
  try {
    const paths = { workspace, bridgeDir, project };
    await options.prepare?.(paths);
    const memoryMb = options.memoryMb ?? 256;
    const denoDir = await resolveDenoDir();
    const out: string[] = [];
    const err: string[] = [];
    const spec: SandboxRunSpec = {
      runId,
      entry,
      entryArgs: typeof options.args === "function" ? options.args(paths) : options.args ?? [],
      grant: batteryGrant(workspace, {
        ...options,
        code: [...(options.code ?? []), ...(options.extraCode?.(paths) ?? [])],
      }, {
        timeoutMs: options.timeoutMs ?? 30_000,
        memoryMb,
        pidsLimit: options.pidsLimit ?? 64,
        outputLimitBytes: options.outputLimitBytes ?? 1024 * 1024,
      }),
      deno: { configPath: `${ROOT}/deno.json`, lock: "frozen", denoDir },
      support: [`${ROOT}/deno.json`, `${ROOT}/deno.lock`],
      ...(options.escaped ? { escapedDeno: true } : {}),
      cwd: workspace,
      env: sandboxEnv({ denoDir, home: workspace }),
      bridgeDir,
      bridgeSocket: `${bridgeDir}/bridge.sock`,
      ...(options.signal ? { signal: options.signal } : {}),
      onStdout: (chunk) => {
        out.push(new TextDecoder().decode(chunk));
        options.onStdout?.(out.at(-1)!);
      },
      onStderr: (chunk) => err.push(new TextDecoder().decode(chunk)),
    };
    const tier = createPodmanTier(options.runtime ? { runtime: options.runtime } : {});
    const outcome = await tier.run(spec);
    await options.after?.(paths);
    return { outcome, stdout: out.join(""), stderr: err.join(""), runId };
  } finally {
    await Deno.remove(project, { recursive: true });
  }
}

/** Asserts that an ordinary run still works in the tier (after an attack): exit status and both
 * streams come back unchanged. */
export async function strictStillWorks(runtime?: string): Promise<void> {
  const r = await runStrict(attack("exit_code"), runtime ? { runtime } : {});
  assert.equal(r.outcome.code, 3, r.stderr);
  assert.equal(r.stdout, "out\n");
  assert.equal(r.stderr, "err\n");
}

/**
 * Runs the fast tier's second-wall probe (`attacks/wall_probe.ts`, written once for both tiers)
 * escaped in the container, against a secret file outside every grant, this process's pid and a
 * TCP port on the host's loopback. Returns each line's verdict by label.
 */
export async function wallProbe(runtime?: string): Promise<Map<string, string>> {
  const secret = await Deno.makeTempFile({ prefix: "mcpx_strict_secret_" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await Deno.writeTextFile(secret, "host secret");
    const port = String((listener.addr as Deno.NetAddr).port);
    const r = await runStrict(attack("wall_probe"), {
      ...(runtime ? { runtime } : {}),
      escaped: true,
      args: [secret, String(Deno.pid), port, "/var/lib"],
    });
    assert.equal(r.outcome.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((line) => /^\w+: (ALLOWED|REFUSED)/.test(line));
    return new Map(lines.map((line) => {
      const at = line.indexOf(": ");
      return [line.slice(0, at), line.slice(at + 2)];
    }));
  } finally {
    listener.close();
    await Deno.remove(secret);
  }
}

/** Runs the probe's `bridge` action against a real Unix socket in the bridge directory and
 * returns what it printed and what the host answered. */
export async function bridgeRoundTrip(
  runtime?: string,
): Promise<{ reply: unknown; stderr: string }> {
  let listener: Deno.UnixListener | undefined;
  let served: Promise<void> | undefined;
  try {
    const r = await runStrict(PROBE, {
      ...(runtime ? { runtime } : {}),
      prepare: ({ bridgeDir }) => {
        listener = Deno.listen({ transport: "unix", path: `${bridgeDir}/bridge.sock` });
        served = (async () => {
          const conn = await listener!.accept();
          await conn.read(new Uint8Array(64));
          await conn.write(new TextEncoder().encode("pong\n"));
          conn.close();
        })();
      },
      args: ({ bridgeDir }) => ["bridge", `${bridgeDir}/bridge.sock`],
    });
    const reply = probeReport(r.stdout).reply;
    await served;
    return { reply, stderr: r.stderr };
  } finally {
    listener?.close();
  }
}

/** Names of all containers podman knows (running or not) that mcpx created. */
export async function mcpxContainers(): Promise<string[]> {
  const out = await new Deno.Command("podman", {
    args: ["ps", "--all", "--format", "{{.Names}}", "--filter", "name=^mcpx-"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

/** The JSON line a probe printed. */
export function probeReport(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").findLast((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`the probe printed no report: ${stdout}`);
  return JSON.parse(line);
}

/** Names of the containers (running or not) that mount something under `path`: robust when
 * other runs (other tests, other processes) create containers at the same time. */
export async function containersMounting(path: string): Promise<string[]> {
  const out = await new Deno.Command("podman", {
    args: ["ps", "--all", "--format", "{{.Names}}|{{.Mounts}}"],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((line) => {
    const mounts = line.slice(line.indexOf("|") + 1).replace(/^\[|\]$/g, "").split(" ");
    return mounts.some((mount) => mount === path || mount.startsWith(`${path}/`));
  }).map((line) => line.slice(0, line.indexOf("|")));
}
