/**
 * `mcpx daemon start|status|stop|restart [--foreground]`: the resident runtime that keeps MCP
 * servers and the harness warm (docs/daemon.md).
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand } from "./command.ts";
import { McpxError, UsageError } from "../errors.ts";
import { runRemote } from "../daemon/client.ts";
import {
  alive,
  answers,
  daemonCommand,
  ownProcessGroup,
  releaseDir,
  startDetached,
} from "../daemon/lifecycle.ts";
import {
  configOption,
  type DaemonPaths,
  daemonPaths,
  type DaemonStatus,
  findConfigFile,
} from "../daemon/protocol.ts";

const HELP = `mcpx daemon: a resident mcpx that keeps servers and the harness warm

Usage:
  mcpx daemon start [--foreground]   start the daemon for this project's config
  mcpx daemon status [--json]        its servers (pid, uptime, calls, memory) and runs in flight
  mcpx daemon stop                   stop it (servers and runs in flight end with it)
  mcpx daemon restart                stop, then start

While it runs, "mcpx exec|call|tools|servers" with the same config are run by it, with the same
output and exit status; "mcpx --no-daemon <command>" or MCPX_DAEMON=0 bypasses it.
One daemon per config file; its socket is private to you (see docs/daemon.md).
Config: "daemon": { "autostart": true, "idle_timeout": 1800 }; per server "keepAlive": SECONDS
and "serialize": true.
${COMMON_HELP}`;

function describe(status: DaemonStatus): string {
  const mib = (kib: number | null) => kib === null ? "-" : `${(kib / 1024).toFixed(1)} MiB`;
  const lines = [
    `daemon pid ${status.pid}, up ${status.uptimeSeconds} s, ${mib(status.rssKiB)}, ` +
    `${status.runs} command(s) run, config ${status.config ?? "(none)"}`,
  ];
  const header = ["SERVER", "STATE", "PID", "UPTIME", "CALLS", "MEMORY", ""];
  const rows = status.servers.map((s) => [
    s.name,
    s.connected ? "connected" : "idle",
    s.pid === null ? "-" : String(s.pid),
    s.uptimeSeconds === null ? "-" : `${s.uptimeSeconds} s`,
    String(s.calls),
    mib(s.rssKiB),
    s.serialize ? "serialized" : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) {
    lines.push(row.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
  }
  lines.push(`sandboxes started ahead: ${status.warmSandboxes}`);
  lines.push(`runs in flight: ${status.inFlight.length}`);
  for (const run of status.inFlight) lines.push(`  ${run.seconds} s  mcpx ${run.argv.join(" ")}`);
  return `${lines.join("\n")}\n`;
}

async function ask(paths: DaemonPaths, frame: { t: "status" } | { t: "stop" }) {
  const conn = await Deno.connect({ transport: "unix", path: paths.socket }).catch(() => undefined);
  if (conn === undefined) return undefined;
  let status: DaemonStatus | undefined;
  const code = await runRemote(conn, frame, {
    io: { out: () => {}, err: () => {} },
    onStatus: (s) => status = s,
  });
  return { code, status };
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function stop(paths: DaemonPaths): Promise<number | undefined> {
  let pid: number | undefined;
  try {
    pid = JSON.parse(Deno.readTextFileSync(paths.pidFile)).pid;
  } catch {
    // No pid file: nothing to wait for.
  }
  const reply = await ask(paths, { t: "stop" });
  if (reply === undefined) {
    // No answer: what a dead daemon left (its watchdog killed too) is swept here.
    if (pid !== undefined && !alive(pid)) releaseDir(paths);
    return undefined;
  }
  // Wait until the process is gone, so that "stop && start" never meets the old socket.
  for (let i = 0; pid !== undefined && alive(pid) && i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // A daemon held up by a wedged server leaves its directory to the watchdog (which kills what
  // is left first): wait for that too, so that stop returns with nothing left behind.
  for (let i = 0; exists(paths.dir) && i < 120; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (pid !== undefined && !alive(pid)) releaseDir(paths);
  return pid;
}

/** Runs the daemon in this process; when this process does not lead its own process group,
 * re-runs it in a new session (so it can take its children down with it) and waits. */
async function foreground(
  configPath: string | null,
  paths: DaemonPaths,
  watchStdin: boolean,
): Promise<number> {
  if (ownProcessGroup() !== Deno.pid && !watchStdin) {
    const [program, ...args] = daemonCommand(configPath, ["--watch-stdin"]);
    const child = new Deno.Command(program!, {
      args,
      stdin: "piped",
      stdout: "inherit",
      stderr: "inherit",
      detached: true,
    }).spawn();
    const relay = () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    };
    Deno.addSignalListener("SIGINT", relay);
    Deno.addSignalListener("SIGTERM", relay);
    try {
      return (await child.status).code;
    } finally {
      Deno.removeSignalListener("SIGINT", relay);
      Deno.removeSignalListener("SIGTERM", relay);
    }
  }
  const { runDaemon } = await import("../daemon/server.ts");
  const { main } = await import("../../cli.ts");
  return await runDaemon({
    configPath,
    paths,
    main,
    ...(watchStdin ? { watch: Deno.stdin.readable } : {}),
    onReady: () => console.error(`mcpx daemon: pid ${Deno.pid}, socket ${paths.socket}`),
  });
}

/** The `daemon` command. */
export const command: Command = defineCommand({
  name: "daemon",
  summary: "keep servers and the harness warm: mcpx daemon start|status|stop|restart",
  help: HELP,
  options: {
    foreground: { type: "boolean" },
    "watch-stdin": { type: "boolean" },
  },
  maxPositionals: 1,
  async run({ values, positionals }, io) {
    const [action] = positionals;
    if (action === undefined) {
      throw new UsageError(
        `mcpx daemon takes one of start, status, stop, restart. Run "mcpx daemon --help".`,
      );
    }
    const argv = values.config === undefined ? [] : ["--config", values.config];
    const configPath = findConfigFile(argv, io.cwd, io.env);
    if (configOption(argv) !== undefined && configPath === null) {
      throw new UsageError(`mcpx daemon: --config ${configOption(argv)} does not exist.`);
    }
    const paths = daemonPaths(configPath, io.env);
    const shown = configPath ?? "no config file";
    switch (action) {
      case "status": {
        const reply = await ask(paths, { t: "status" });
        if (reply?.status === undefined) {
          if (values.json) io.out(`${JSON.stringify({ running: false, config: configPath })}\n`);
          else io.out(`No daemon runs for ${shown}; "mcpx daemon start" starts one.\n`);
          return 3;
        }
        io.out(
          values.json
            ? `${JSON.stringify({ running: true, ...reply.status }, null, 2)}\n`
            : describe(reply.status),
        );
        return 0;
      }
      case "stop": {
        const pid = await stop(paths);
        io.out(
          pid === undefined && !(await answers(paths.socket))
            ? `No daemon runs for ${shown}.\n`
            : `Stopped the daemon for ${shown}.\n`,
        );
        return 0;
      }
      case "restart":
      case "start": {
        if (action === "restart") await stop(paths);
        if (values.foreground) {
          return await foreground(configPath, paths, values["watch-stdin"] === true);
        }
        try {
          await startDetached(configPath, paths, { env: io.env });
        } catch (error) {
          if (error instanceof McpxError) throw error;
          throw new McpxError("DAEMON_ERROR", `mcpx daemon: ${(error as Error).message}`);
        }
        io.out(`Started the daemon for ${shown} (socket ${paths.socket}).\n`);
        return 0;
      }
      default:
        throw new UsageError(
          `mcpx daemon: unknown action "${action}" (use start, status, stop or restart).`,
        );
    }
  },
});
