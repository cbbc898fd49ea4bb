/**
 * Runs one sandboxed process and owns its whole life: its own process group (via `setsid`
 * when the host has it), live output with a size cap, the wall-clock limit, the abort signal,
 * and the kill of the whole group at the end. Shared by the `deno` and `trusted` tiers.
 *
 * @module
 */
import { noteChildGroup } from "../daemon/children.ts"; // daemon wiring
import { joinCommand, type RunCgroup } from "./cgroup.ts";
import type { RunLimits, SandboxRunOutcome, SandboxRunSpec } from "./tier.ts";

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

/**
 * Where one output stream goes: held back until the run is attached (a process started ahead
 * of its run may already have written), then passed on live.
 */
class Gate {
  #held: Uint8Array[] | undefined = [];
  #sink: ((chunk: Uint8Array) => void) | undefined;

  write(chunk: Uint8Array): void {
    if (this.#held !== undefined) this.#held.push(chunk);
    else this.#sink?.(chunk);
  }

  open(sink: ((chunk: Uint8Array) => void) | undefined): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#sink = sink;
    for (const chunk of held) sink?.(chunk);
  }
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  name: string,
  gate: Gate,
  notice: Gate,
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
      gate.write(chunk);
      continue;
    }
    if (room > 0) gate.write(chunk.subarray(0, room));
    kept = limit;
    cut = true;
    notice.write(new TextEncoder().encode(`\n[mcpx: ${name} cut at ${formatBytes(limit)}]\n`));
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

/** How a process tree is started: everything but the run's own plumbing. */
export interface TreeLaunch {
  /** Working directory (when `command.cwd` does not say). */
  readonly cwd: string;
  /** The complete environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The run's limits: the output cap, and the backstop's deadline. */
  readonly limits: RunLimits;
  /** Seconds the process may wait for its run before the backstop counts (a process started
   * ahead of its run). @default 0 */
  readonly idleSeconds?: number;
  /** Whether the process gets a stdin pipe (else none). @default false */
  readonly stdin?: boolean;
}

/** The run a started tree is attached to. */
export interface TreeRun {
  /** The run's limits (the wall-clock limit counts from the attach). */
  readonly limits: RunLimits;
  /** Written to stdin, which is then closed (needs `TreeLaunch.stdin`). */
  readonly stdin?: string | undefined;
  /** Aborting kills the tree. */
  readonly signal?: AbortSignal | undefined;
  /** Receives stdout chunks live (already capped). */
  readonly onStdout?: ((chunk: Uint8Array) => void) | undefined;
  /** Receives stderr chunks live (already capped), and the tree's notices. */
  readonly onStderr?: ((chunk: Uint8Array) => void) | undefined;
}

/** A started process tree, not yet (or no longer) attached to a run. */
export interface StartedTree {
  /** Whether the process has exited already. */
  readonly exited: boolean;
  /**
   * Attaches the run: writes its stdin, passes on what the process wrote so far and from now
   * on, starts the run's wall-clock limit, and resolves when the tree has ended and its whole
   * process group is gone. Never throws for the child's own failures; those are in the outcome.
   * Once per tree.
   */
  attach(run: TreeRun): Promise<SandboxRunOutcome>;
  /** Kills the tree and waits until it is gone (a tree never attached). */
  discard(): Promise<void>;
}

/**
 * Starts `command` (in its own process group, in `command.cgroup`, under the backstop); its
 * output is held until {@linkcode StartedTree.attach}.
 */
export function startProcessTree(command: ProcessCommand, launch: TreeLaunch): StartedTree {
  // setsid: the run leads its own process group, so one kill reaches everything in it.
  // timeout: a backstop that ends the run even if the harness itself is killed (SIGKILL) and
  // cannot enforce the limit any more.
  const setsid = findProgram(SETSID_CANDIDATES);
  const backstop = findProgram(TIMEOUT_CANDIDATES);
  const deadline = Math.ceil(launch.limits.timeoutMs / 1000) + BACKSTOP_GRACE_SECONDS +
    (launch.idleSeconds ?? 0);
  const line = [
    ...(backstop === undefined ? [] : [backstop, "--signal=KILL", `${deadline}s`]),
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
    cwd: command.cwd ?? launch.cwd,
    env: { ...launch.env },
    clearEnv: true,
    stdin: launch.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // daemon wiring: inside `mcpx daemon`, the run's group dies with the daemon (SIGKILL included).
  const forgetGroup = noteChildGroup(setsid ? child.pid : undefined);

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
  let exited = false;
  const status = child.status.finally(() => exited = true);
  const out = new Gate();
  const err = new Gate();
  const tail = new Tail();
  const limit = launch.limits.outputLimitBytes;
  const ended = Promise.all([
    status,
    pump(child.stdout, limit, "stdout", out, err),
    pump(child.stderr, limit, "stderr", err, err, tail),
  ]);
  const writeStdin = async (text: string | undefined) => {
    if (!launch.stdin) return;
    try {
      const writer = child.stdin.getWriter();
      if (text !== undefined) await writer.write(new TextEncoder().encode(text));
      await writer.close();
    } catch {
      // The process is gone already: its status says what happened.
    }
  };
  let attached = false;

  return {
    get exited() {
      return exited;
    },
    async discard() {
      if (attached) return;
      attached = true;
      killTree();
      await writeStdin(undefined);
      await ended.catch(() => {});
      forgetGroup();
    },
    async attach(run) {
      if (attached) throw new Error("a process tree is attached once (this is a bug in mcpx)");
      attached = true;
      const limits = run.limits;
      let killed: SandboxRunOutcome["killed"];
      const timer = setTimeout(() => {
        killed ??= "timeout";
        killTree();
      }, limits.timeoutMs);
      const onAbort = () => {
        killed ??= "signal";
        killTree();
      };
      if (run.signal?.aborted) onAbort();
      run.signal?.addEventListener("abort", onAbort, { once: true });
      const notice = (text: string) => run.onStderr?.(new TextEncoder().encode(text));
      out.open(run.onStdout);
      err.open(run.onStderr);
      try {
        await writeStdin(run.stdin);
        const [done, stdoutTruncated, stderrTruncated] = await ended;
        // The leader is gone; make sure nothing it left behind in its group survives.
        killTree();
        if (killed === undefined && !done.success && OOM_PATTERN.test(tail.text)) {
          killed = "memory";
          notice(
            `[mcpx: the skill ran out of memory (heap cap ${limits.memoryMb} MiB); ` +
              `raise sandbox.memory_limit in mcp_config.json if it really needs more]\n`,
          );
        } else if (command.cgroup?.oomKilled() && killed !== "timeout") {
          // The kernel's OOM killer fired inside the run's cgroup: the whole run (every Worker,
          // buffer and WebAssembly memory together) reached the limit.
          killed = "memory";
          notice(
            `[mcpx: the run reached its memory limit (${limits.memoryMb} MiB for the whole run, ` +
              `cgroup) and was killed; raise sandbox.memory_limit in mcp_config.json if it ` +
              `really needs more]\n`,
          );
        }
        if (
          killed === undefined && !done.success && command.cgroup &&
          THREADS_PATTERN.test(tail.text)
        ) {
          notice(
            `[mcpx: the run reached its process and thread limit (${limits.pidsLimit}, ` +
              `cgroup); raise sandbox.pids_limit in mcp_config.json if it really needs more]\n`,
          );
        }
        if (killed === "timeout") {
          notice(`[mcpx: timed out after ${limits.timeoutMs / 1000} s; the skill was killed]\n`);
        }
        const code = killed === "timeout"
          ? 124
          : killed === "signal"
          ? 130
          : killed === "memory" && done.code === 0
          ? 137
          : done.code;
        return {
          code,
          timedOut: killed === "timeout",
          ...(killed === undefined ? {} : { killed }),
          stdoutTruncated,
          stderrTruncated,
        };
      } finally {
        clearTimeout(timer);
        run.signal?.removeEventListener("abort", onAbort);
        forgetGroup();
      }
    },
  };
}

/**
 * Starts `command` under the limits of `spec` and resolves when it has ended and its whole
 * process group is gone. Never throws for the child's own failures; those are in the outcome.
 */
export function runProcessTree(
  command: ProcessCommand,
  spec: SandboxRunSpec,
  stdin?: string,
): Promise<SandboxRunOutcome> {
  const limits = spec.grant.limits;
  return startProcessTree(command, {
    cwd: spec.cwd,
    env: spec.env,
    limits,
    stdin: stdin !== undefined,
  }).attach({
    limits,
    stdin,
    signal: spec.signal,
    onStdout: spec.onStdout,
    onStderr: spec.onStderr,
  });
}
