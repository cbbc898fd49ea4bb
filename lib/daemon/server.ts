/**
 * The resident daemon: listens on its private socket and runs each forwarded command through the
 * same `main(argv, io)` as the CLI, streaming stdout/stderr frames back and ending with the exit
 * status, so output, exit codes and `--json` are the CLI's by construction. Commands get the
 * daemon's warm {@linkcode DaemonPool} through their io.
 *
 * @module
 */
import type { CommandIo } from "../cli/command.ts";
import type { PooledIo } from "../client/pooled.ts";
import { loadConfig } from "../config/load.ts";
import type { McpxConfig } from "../config/types.ts";
import { DaemonPool, rssKiB } from "./pool.ts";
import {
  type ClientFrame,
  type DaemonFrame,
  type DaemonPaths,
  type DaemonStatus,
  encodeFrame,
  readFrames,
  writeAll,
} from "./protocol.ts";
import { setChildGroupSink } from "./children.ts";
import { claimDir, releaseDir, startWatchdog, type Watchdog } from "./lifecycle.ts";
import { keepTokenizerLoaded } from "../tokens/tokenizer.ts";
import { configFiles, ConfigWatcher } from "./watch.ts";
import { disableWarmRuns, enableWarmRuns, type WarmRunOptions } from "../sandbox/_warm.ts";

/** Seconds a sandbox started ahead waits for its run before it is killed. */
const WARM_IDLE_SECONDS = 60;

function warmOptions(config: McpxConfig): WarmRunOptions {
  return { max: config.daemon?.warmRuns ?? 0, idleSeconds: WARM_IDLE_SECONDS };
}

/** What the daemon runs for a `run` frame: `cli.ts`'s `main`. */
export type MainFn = (argv: string[], io: CommandIo) => Promise<number>;

/** Options of {@linkcode runDaemon}. */
export interface DaemonOptions {
  /** The config file served (real path), or `null`. */
  readonly configPath: string | null;
  readonly paths: DaemonPaths;
  readonly main: MainFn;
  /** Exit when this stream ends (a `--foreground` wrapper's pipe). */
  readonly watch?: ReadableStream<Uint8Array>;
  /** Called once the socket accepts connections. */
  readonly onReady?: () => void;
}

interface Run {
  readonly argv: readonly string[];
  readonly started: number;
  readonly controller: AbortController;
  readonly done: Promise<unknown>;
}

async function load(configPath: string | null): Promise<McpxConfig> {
  return await loadConfig({
    ...(configPath === null ? {} : { path: configPath }),
    cwd: Deno.cwd(),
    env: Deno.env.toObject(),
  });
}

/**
 * Runs the daemon until `stop`, SIGTERM/SIGINT, the idle timeout, or the end of `watch`; then
 * cancels the commands in flight, closes every server and removes its directory. Resolves to the
 * exit status.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const { paths } = options;
  let config = await load(options.configPath);
  await claimDir(paths);
  // Everything the daemon and its children put in a temp dir lands in its own directory, which
  // the watchdog removes even after SIGKILL.
  Deno.env.set("TMPDIR", paths.tmp);
  const watchdog: Watchdog = startWatchdog(paths);
  setChildGroupSink((line) => watchdog.line(line));
  const pool = new DaemonPool(config);
  // Repeated fast-tier runs find their sandbox started (lib/sandbox/_warm.ts).
  const warm = enableWarmRuns(warmOptions(config));
  const runs = new Set<Run>();
  const started = Date.now();
  let total = 0;
  let lastActivity = Date.now();
  const listener = Deno.listen({ transport: "unix", path: paths.socket });
  Deno.chmodSync(paths.socket, 0o600);
  Deno.writeTextFileSync(
    paths.pidFile,
    JSON.stringify({ pid: Deno.pid, config: options.configPath, started }),
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      watcher.close();
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      for (const run of runs) run.controller.abort();
      await Promise.race([
        Promise.allSettled([...runs].map((r) => r.done)),
        new Promise((resolve) => setTimeout(resolve, 5000)),
      ]);
      // A server wedged in its handshake can hold cleanup for its whole timeout: after 3 s the
      // daemon leaves instead, and the watchdog kills what is left and removes the directory.
      const closed = await Promise.race([
        pool.close().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 3000)),
      ]);
      await disableWarmRuns();
      setChildGroupSink(undefined);
      if (closed) {
        releaseDir(paths);
        watchdog.clean();
      } else {
        watchdog.abandon();
      }
    })();
    return stopping;
  };

  const status = (): DaemonStatus => ({
    pid: Deno.pid,
    config: options.configPath,
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    rssKiB: rssKiB(Deno.pid),
    runs: total,
    inFlight: [...runs].map((r) => ({
      argv: r.argv,
      seconds: Math.round((Date.now() - r.started) / 100) / 10,
    })),
    warmSandboxes: warm.size,
    servers: pool.rows(),
  });

  const serve = async (conn: Deno.Conn) => {
    let chain = Promise.resolve();
    let broken = false;
    const send = (frame: DaemonFrame) => {
      chain = chain.then(async () => {
        if (broken) return;
        try {
          await writeAll(conn, encodeFrame(frame));
        } catch {
          broken = true;
        }
      });
    };
    const frames = readFrames<ClientFrame>(conn.readable);
    try {
      const first = await frames.next();
      if (first.done) return;
      const frame = first.value;
      if (frame.t === "status") send({ t: "status", status: status() });
      else if (frame.t === "stop") {
        await stop();
        send({ t: "exit", code: 0 });
      } else if (frame.t === "run") {
        lastActivity = Date.now();
        total++;
        const controller = new AbortController();
        // The client's standard input, for a command that reads it (a forwarded serve).
        let feed: ReadableStreamDefaultController<Uint8Array> | undefined;
        const stdin = new ReadableStream<Uint8Array>({ start: (c) => void (feed = c) });
        const endInput = () => {
          try {
            feed?.close();
          } catch {
            // Closed already.
          }
        };
        // A cancel frame, or the client going away, cancels this command only.
        (async () => {
          try {
            for await (const next of frames) {
              if (next.t === "cancel") controller.abort();
              else if (next.t === "in") feed?.enqueue(new TextEncoder().encode(next.d));
              else if (next.t === "eof") endInput();
            }
          } catch {
            // Connection reset: the client is gone.
          }
          endInput();
          controller.abort();
        })();
        const release = pool.hold();
        const io: PooledIo = {
          isTerminal: frame.tty === true,
          out: (d) => send({ t: "out", d }),
          err: (d) => send({ t: "err", d }),
          cwd: frame.cwd,
          env: frame.env,
          signal: controller.signal,
          pool,
          stdin,
        };
        const done = options.main(frame.argv, io).catch(() => 1);
        const run: Run = { argv: frame.argv, started: Date.now(), controller, done };
        runs.add(run);
        try {
          send({ t: "exit", code: await done });
        } finally {
          runs.delete(run);
          lastActivity = Date.now();
          await release();
        }
      } else {
        send({ t: "error", message: `unexpected frame "${frame.t}"` });
      }
    } catch (error) {
      send({ t: "error", message: error instanceof Error ? error.message : String(error) });
    } finally {
      await chain;
      try {
        conn.close();
      } catch {
        // Already closed by the client.
      }
    }
  };

  // A file the config came from changed (its own, or one of an imported client's): reload; a
  // server whose entry changed restarts on its next use. Re-armed after each reload.
  const context = () => ({ cwd: Deno.cwd(), env: Deno.env.toObject() });
  const watcher = new ConfigWatcher(async () => {
    try {
      config = await load(options.configPath);
      // Serves the new config at once; the old servers are closed in the background, so that
      // the watch set is re-armed right away.
      pool.forgetLoadedConfigs();
      pool.replace(config).catch(() => {});
      // Sandboxes started ahead were started for the old config: killed, in the background too.
      warm.configure(warmOptions(config)).catch(() => {});
      return configFiles(config, context());
    } catch (error) {
      console.error(`mcpx daemon: config reload failed, keeping the old one: ${error}`);
      return undefined;
    }
  });
  if (options.configPath !== null) watcher.arm(configFiles(config, context()));

  // Keep-alive of servers and the daemon's own idle timeout.
  const timer = setInterval(async () => {
    const busy = await pool.sweep();
    const idle = pool.config.daemon?.idleTimeoutSeconds ?? 0;
    if (idle > 0 && !busy && runs.size === 0 && Date.now() - lastActivity >= idle * 1000) {
      await stop();
    }
  }, 1000);

  const onSignal = () => void stop();
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  if (options.watch !== undefined) {
    (async () => {
      try {
        for await (const _ of options.watch!) { /* only EOF matters */ }
      } catch {
        // The pipe broke: same as EOF.
      }
      await stop();
    })();
  }
  options.onReady?.();
  // Every run's tokens are counted here: the tokenizer is loaded once, not per run.
  keepTokenizerLoaded().catch(() => {});
  try {
    for await (const conn of listener) serve(conn);
  } catch {
    // The listener was closed by stop().
  }
  await stop();
  Deno.removeSignalListener("SIGTERM", onSignal);
  Deno.removeSignalListener("SIGINT", onSignal);
  return 0;
}
