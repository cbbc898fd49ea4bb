#!/usr/bin/env -S deno run --allow-read --allow-write --allow-net --allow-env --allow-run --allow-sys
/**
 * The `mcpx` command. A thin layer over the library: it picks the subcommand, runs it, and turns
 * errors into one `error:` line and an exit status (0 ok, 1 failure, 2 usage). This is the only
 * module that calls `Deno.exit`.
 *
 * @module
 */
import { McpxError, UsageError } from "./lib/errors.ts";
import type { Command, CommandIo } from "./lib/cli/command.ts";
import { forward, stripNoDaemon } from "./lib/daemon/client.ts";

/**
 * Loads `lib/cli/<name>.ts`. The specifier is computed on purpose: Deno walks every literal
 * `import("…")` of the main module before running it, which cost every `mcpx` start (and the
 * daemon's thin client) ~11 ms for modules most commands never load.
 */
async function loadCommand(name: string): Promise<Command> {
  const module = new URL(`./lib/cli/${name}.ts`, import.meta.url).href;
  return (await import(module)).command;
}

/** Subcommands, loaded on demand so that `mcpx exec` does not pay for `mcpx generate`. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  servers: {
    summary: "list the configured MCP servers (--status checks each one)",
    load: () => loadCommand("servers"),
  },
  tools: {
    summary: "list one server's tools (--schema for input schemas)",
    load: () => loadCommand("tools"),
  },
  call: {
    summary: "call one tool: mcpx call <server> <tool> key=value …",
    load: () => loadCommand("call"),
  },
  resources: {
    summary: "list one server's resources, or read one: mcpx resources <server> [uri]",
    load: () => loadCommand("resources"),
  },
  prompts: {
    summary: "list one server's prompts, or get one: mcpx prompts <server> [name] k=v …",
    load: () => loadCommand("prompts"),
  },
  config: {
    summary: "show which config file is used and the resolved servers",
    load: () => loadCommand("config"),
  },
  exec: {
    summary: "run a skill or script in a sandbox: mcpx exec skills/fetch.ts --url …",
    load: () => loadCommand("exec"),
  },
  skills: {
    summary: "list skills with their purpose; mcpx skills NAME prints its USAGE",
    load: () => loadCommand("skills"),
  },
  generate: {
    summary: "write typed wrappers for every server's tools into servers/",
    load: () => loadCommand("generate"),
  },
  discover: {
    summary: "infer response types from real calls (discovery_config.json)",
    load: () => loadCommand("discover"),
  },
  doctor: {
    summary: "report which sandbox guarantees hold on this host",
    load: () => loadCommand("doctor"),
  },
  serve: {
    summary: "serve mcpx itself as an MCP server (stdio, or --http)",
    load: () => loadCommand("serve"),
  },
  tokens: {
    summary: "measure the token cost of tool definitions vs. skills and wrappers",
    load: () => loadCommand("tokens"),
  },
  auth: {
    summary: "log in to an OAuth server: mcpx auth <server> (--logout, --status)",
    load: () => loadCommand("auth"),
  },
  daemon: {
    summary: "keep servers and the harness warm: mcpx daemon start|status|stop|restart",
    load: () => loadCommand("daemon"),
  },
  install: {
    summary: "install mcpx as a global command (deno install -g)",
    load: () => loadCommand("install"),
  },
};

const VERSION = "0.1.0";

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}  ${c.summary}`
  );
  return `mcpx ${VERSION}: run MCP tools and sandboxed skills from code

Usage: mcpx <command> [options]

Commands:
${lines.join("\n")}

Run "mcpx <command> --help" for a command's options.
`;
}

function isVerbose(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === "--verbose" || a === "-v");
}

function formatError(error: unknown, verbose: boolean, io: CommandIo): string {
  // daemon wiring: in the daemon, the client's terminal and NO_COLOR decide, not the daemon's.
  const remote = io as { stderrIsTerminal?: boolean };
  const red = remote.stderrIsTerminal === undefined
    ? Deno.stderr.isTerminal() && !Deno.env.get("NO_COLOR")
    : remote.stderrIsTerminal && !io.env.NO_COLOR;
  const label = red ? "\x1b[31merror\x1b[0m" : "error";
  const message = error instanceof Error ? error.message : String(error);
  let text = `${label}: ${message}\n`;
  if (verbose && error instanceof Error) {
    text += `${error.stack ?? ""}\n`;
    let cause = error.cause;
    while (cause !== undefined) {
      text += `caused by: ${
        cause instanceof Error ? cause.stack ?? cause.message : String(cause)
      }\n`;
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return text;
}

/** Runs `mcpx` with `argv` and resolves to its exit status. Exported for in-process tests. */
export async function main(argvIn: string[], io: CommandIo): Promise<number> {
  const argv = stripNoDaemon(argvIn).argv; // daemon wiring: --no-daemon is the thin client's
  const verbose = isVerbose(argv);
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      io.out(mainHelp());
      return 0;
    }
    if (name === "--version" || name === "-V") {
      io.out(`mcpx ${VERSION}\n`);
      return 0;
    }
    const entry = COMMANDS[name];
    if (entry === undefined) {
      throw new UsageError(`Unknown command "${name}". Run "mcpx --help" to list commands.`);
    }
    const command = await entry.load();
    if (rest[0] === "--help" || rest[0] === "-h") {
      io.out(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    io.err(formatError(error, verbose, io));
    if (error instanceof UsageError) return 2;
    if (!(error instanceof McpxError) && !verbose) {
      io.err("This is a bug in mcpx; rerun with --verbose and report the stack trace.\n");
    }
    return 1;
  }
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const writeAll = (file: typeof Deno.stdout, text: string) => {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
  };
  // daemon wiring: when a daemon serves this command's config, it runs the command (thin client).
  const routed = stripNoDaemon(Deno.args);
  const forwarded = routed.noDaemon ? undefined : await forward(routed.argv, {
    cwd: Deno.cwd(),
    env: Deno.env.toObject(),
    io: { out: (text) => writeAll(Deno.stdout, text), err: (text) => writeAll(Deno.stderr, text) },
  });
  if (forwarded !== undefined) Deno.exit(forwarded);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const status = await main(Deno.args, {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    cwd: Deno.cwd(),
    env: Deno.env.toObject(),
    signal: controller.signal,
  });
  Deno.exit(status);
}
