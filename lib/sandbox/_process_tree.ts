/**
 * Runs one sandboxed process and owns its whole life: its own process group (via `setsid`
 * when the host has it), live output with a size cap, the wall-clock limit, the abort signal,
 * and the kill of the whole group at the end. Shared by the `deno` and `trusted` tiers.
 *
 * @module
 */
import { noteChildGroup } from "../daemon/children.ts"; // daemon wiring
import { joinCommand, type RunCgroup } from "./cgroup.ts";
import type { SandboxRunOutcome, SandboxRunSpec } from "./tier.ts";

const SETSID_CANDIDATES = ["/usr/bin/setsid", "/bin/setsid"];
const TIMEOUT_CANDIDATES = ["/usr/bin/timeout", "/bin/timeout"];

/** Seconds the coreutils `timeout` backstop waits beyond the harness's own limit. */
const BACKSTOP_GRACE_SECONDS = 2;

function findProgram(candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // not here; try the next one
    }
  }
  return undefined;
}

/** Formats a byte count for the cut notice: `1 MiB`, `64 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** V8's last words when the heap cap is reached. */
const OOM_PATTERN =
  /Reached heap limit|JavaScript heap out of memory|Fatal JavaScript out of memory/;

/** Deno's last words when it cannot start a thread (the run's pids limit). */
const THREADS_PATTERN = /unable to create worker threads|Resource temporarily unavailable/;

/** Keeps the last few KiB of stderr to recognise an out-of-memory death. */
class Tail {
  #text = "";
  push(chunk: Uint8Array): void {
    this.#text = (this.#text + new TextDecoder().decode(chunk)).slice(-8192);
  }
  get text(): string {
    return this.#text;
  }
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  name: string,
  sink: ((chunk: Uint8Array) => void) | undefined,
  notice: (text: string) => void,
  tail?: Tail,
): Promise<boolean> {
  let kept = 0;
  let cut = false;
  for await (const chunk of stream) {
    tail?.push(chunk);
    if (cut) continue; // keep draining so the child never blocks on a full pipe
    const room = limit - kept;
    if (chunk.length <= room) {
      kept += chunk.length;
      sink?.(chunk);
      continue;
    }
    if (room > 0) sink?.(chunk.subarray(0, room));
    kept = limit;
    cut = true;
    notice(`\n[mcpx: ${name} cut at ${formatBytes(limit)}]\n`);
  }
  return cut;
}

function flat(command: { program: string; args: string[] }): string[] {
  return [command.program, ...command.args];
}

/** The command line of one run: the program and its arguments. */
export interface ProcessCommand {
  /** Program to start (e.g. `Deno.execPath()`). */
  readonly program: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** The run's cgroup, when it has one: the run's first process joins it before anything else
   * starts, every process in it is killed when the run ends, and its OOM count says whether the
   * memory limit ended the run. The caller releases it. */
  readonly cgroup?: RunCgroup | undefined;
  /** Working directory to start in, when not `spec.cwd` (bubblewrap sets the run's own with
   * `--chdir`; started from "/", its view is measurably faster to build and tear down). */
  readonly cwd?: string;
}

/**
 * Starts `command` under the limits of `spec` and resolves when it has ended and its whole
 * process group is gone. Never throws for the child's own failures; those are in the outcome.
 */
export async function runProcessTree(
  command: ProcessCommand,
  spec: SandboxRunSpec,
): Promise<SandboxRunOutcome> {
  // setsid: the run leads its own process group, so one kill reaches everything in it.
  // timeout: a backstop that ends the run even if the harness itself is killed (SIGKILL) and
  // cannot enforce the limit any more.
  const setsid = findProgram(SETSID_CANDIDATES);
  const backstop = findProgram(TIMEOUT_CANDIDATES);
  const line = [
    ...(backstop === undefined ? [] : [
      backstop,
      "--signal=KILL",
      `${Math.ceil(spec.grant.limits.timeoutMs / 1000) + BACKSTOP_GRACE_SECONDS}s`,
    ]),
    command.program,
    ...command.args,
  ];
  // The cgroup is joined first, by the very first process, so that everything after it (setsid,
  // timeout, the sandbox) runs inside. (With `timeout` outside and its child inside, runs were
  // measurably slower on cgroup v1.)
  const grouped = setsid ? [setsid, ...line] : line;
  const full = command.cgroup ? flat(joinCommand(command.cgroup, grouped)) : grouped;
  const [program, ...args] = full as [string, ...string[]];
  const child = new Deno.Command(program, {
    args,
    cwd: command.cwd ?? spec.cwd,
    env: { ...spec.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // daemon wiring: inside `mcpx daemon`, the run's group dies with the daemon (SIGKILL included).
  const forgetGroup = noteChildGroup(setsid ? child.pid : undefined);

  let killed: SandboxRunOutcome["killed"];
  const killTree = () => {
    command.cgroup?.killAll();
    // With setsid the child leads its own process group: kill the group, then the leader.
    if (setsid) {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
    }
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  };
  const timer = setTimeout(() => {
    killed ??= "timeout";
    killTree();
  }, spec.grant.limits.timeoutMs);
  const onAbort = () => {
    killed ??= "signal";
    killTree();
  };
  if (spec.signal?.aborted) onAbort();
  spec.signal?.addEventListener("abort", onAbort, { once: true });

  const encoder = new TextEncoder();
  const notice = (text: string) => spec.onStderr?.(encoder.encode(text));
  const tail = new Tail();
  try {
    const [status, stdoutTruncated, stderrTruncated] = await Promise.all([
      child.status,
      pump(child.stdout, spec.grant.limits.outputLimitBytes, "stdout", spec.onStdout, notice),
      pump(child.stderr, spec.grant.limits.outputLimitBytes, "stderr", spec.onStderr, notice, tail),
    ]);
    // The leader is gone; make sure nothing it left behind in its group survives.
    killTree();
    if (killed === undefined && !status.success && OOM_PATTERN.test(tail.text)) {
      killed = "memory";
      notice(
        `[mcpx: the skill ran out of memory (heap cap ${spec.grant.limits.memoryMb} MiB); ` +
          `raise sandbox.memory_limit in mcp_config.json if it really needs more]\n`,
      );
    } else if (command.cgroup?.oomKilled() && killed !== "timeout") {
      // The kernel's OOM killer fired inside the run's cgroup: the whole run (every Worker,
      // buffer and WebAssembly memory together) reached the limit.
      killed = "memory";
      notice(
        `[mcpx: the run reached its memory limit (${spec.grant.limits.memoryMb} MiB for the whole run, ` +
          `cgroup) and was killed; raise sandbox.memory_limit in mcp_config.json if it ` +
          `really needs more]\n`,
      );
    }
    if (
      killed === undefined && !status.success && command.cgroup &&
      THREADS_PATTERN.test(tail.text)
    ) {
      notice(
        `[mcpx: the run reached its process and thread limit (${spec.grant.limits.pidsLimit}, ` +
          `cgroup); raise sandbox.pids_limit in mcp_config.json if it really needs more]\n`,
      );
    }
    if (killed === "timeout") {
      notice(
        `[mcpx: timed out after ${spec.grant.limits.timeoutMs / 1000} s; the skill was killed]\n`,
      );
    }
    const code = killed === "timeout"
      ? 124
      : killed === "signal"
      ? 130
      : killed === "memory" && status.code === 0
      ? 137
      : status.code;
    return {
      code,
      timedOut: killed === "timeout",
      ...(killed === undefined ? {} : { killed }),
      stdoutTruncated,
      stderrTruncated,
    };
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener("abort", onAbort);
    forgetGroup();
  }
}
