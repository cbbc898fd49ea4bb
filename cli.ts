#!/usr/bin/env -S deno run --allow-read --allow-write --allow-net --allow-env --allow-run --allow-sys
/**
 * The `mcpx` command. A thin layer over the library: it picks the subcommand, runs it, and turns
 * errors into one `error:` line and an exit status (0 ok, 1 failure, 2 usage). This is the only
 * module that calls `Deno.exit`.
 *
 * @module
 */
import { McpxError, UsageError } from "./lib/errors.ts";
import {
  type Command,
  type CommandIo,
  COMMON_HELP,
  COMMON_OPTIONS,
  didYouMeanOption,
  errorJson,
} from "./lib/cli/command.ts";
import { didYouMean } from "./lib/client/_suggest.ts";

/** Subcommands, loaded on demand so that `mcpx exec` does not pay for `mcpx generate`. Help,
 * completions and "did you mean" derive from this registry. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  servers: {
    summary: "list the configured MCP servers (--status checks each one)",
    load: async () => (await import("./lib/cli/servers.ts")).command,
  },
  tools: {
    summary: "list one server's tools (--schema for input schemas)",
    load: async () => (await import("./lib/cli/tools.ts")).command,
  },
  call: {
    summary: "call one tool: mcpx call <server> <tool> key=value …",
    load: async () => (await import("./lib/cli/call.ts")).command,
  },
  resources: {
    summary: "list one server's resources, or read one: mcpx resources <server> [uri]",
    load: async () => (await import("./lib/cli/resources.ts")).command,
  },
  prompts: {
    summary: "list one server's prompts, or get one: mcpx prompts <server> [name] k=v …",
    load: async () => (await import("./lib/cli/prompts.ts")).command,
  },
  config: {
    summary: "show which config file is used and the resolved servers",
    load: async () => (await import("./lib/cli/config.ts")).command,
  },
  exec: {
    summary: "run a skill or script in a sandbox: mcpx exec skills/fetch.ts --url …",
    load: async () => (await import("./lib/cli/exec.ts")).command,
  },
  skills: {
    summary: "list skills with their purpose; mcpx skills NAME prints its USAGE",
    load: async () => (await import("./lib/cli/skills.ts")).command,
  },
  generate: {
    summary: "write typed wrappers for every server's tools into servers/",
    load: async () => (await import("./lib/cli/generate.ts")).command,
  },
  discover: {
    summary: "infer response types from real calls (discovery_config.json)",
    load: async () => (await import("./lib/cli/discover.ts")).command,
  },
  doctor: {
    summary: "report which sandbox guarantees hold on this host",
    load: async () => (await import("./lib/cli/doctor.ts")).command,
  },
  serve: {
    summary: "serve mcpx itself as an MCP server (stdio, or --http)",
    load: async () => (await import("./lib/cli/serve.ts")).command,
  },
  privacy: {
    summary: "show or clear the placeholder vault of PII tokenization",
    load: async () => (await import("./lib/cli/privacy.ts")).command,
  },
  tokens: {
    summary: "measure the token cost of tool definitions vs. skills and wrappers",
    load: async () => (await import("./lib/cli/tokens.ts")).command,
  },
  auth: {
    summary: "log in to an OAuth server: mcpx auth <server> (--logout, --status)",
    load: async () => (await import("./lib/cli/auth.ts")).command,
  },
  log: {
    summary: "show the audit log of tool calls and runs (--run ID, --tail N)",
    load: async () => (await import("./lib/cli/log.ts")).command,
  },
  install: {
    summary: "install mcpx as a global command (deno install -g)",
    load: async () => (await import("./lib/cli/install.ts")).command,
  },
  completions: {
    summary: "print a shell completion script: mcpx completions bash|zsh|fish",
    load: async () => (await import("./lib/cli/completions.ts")).completionsCommand(COMMANDS),
  },
};

const VERSION = "0.1.0";

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}  ${c.summary}`
  );
  return `mcpx ${VERSION}: run MCP tools and sandboxed skills from code

Usage: mcpx [global options] <command> [options]

Commands:
${lines.join("\n")}
${COMMON_HELP.replace("Common options:", "Global options (anywhere on the line):")}
  -V, --version   print the version

Run "mcpx help <command>" (or "mcpx <command> --help") for a command's options.
`;
}

function formatError(error: unknown, verbose: boolean, color: boolean): string {
  const label = color ? "\x1b[31merror\x1b[0m" : "error";
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

/** The global options written before the command name, and what follows them. */
interface Line {
  /** Global options before the command (`--help`, `-h`, `--version`, `-V` taken out). */
  readonly globals: string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly name: string | undefined;
  readonly rest: string[];
}

function splitLine(argv: readonly string[]): Line {
  const globals: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--help" || word === "-h") help = true;
    else if (word === "--version" || word === "-V") version = true;
    else if (word === "--verbose" || word === "-v" || word === "--json") globals.push(word);
    else if (word.startsWith("--config=")) globals.push(word);
    else if (word === "--config") {
      if (argv[i + 1] === undefined) {
        throw new UsageError('mcpx: --config needs a path. Run "mcpx --help".');
      }
      globals.push(word, argv[++i]!);
    } else if (word.startsWith("-") && word !== "--") {
      throw new UsageError(
        `mcpx: unknown global option ${word}.${
          didYouMeanOption(word, Object.keys(COMMON_OPTIONS))
        } ` +
          `Command options go after the command name. Run "mcpx --help".`,
      );
    } else {
      const at = word === "--" ? i + 1 : i;
      return { globals, help, version, name: argv[at], rest: argv.slice(at + 1) };
    }
  }
  return { globals, help, version, name: undefined, rest: [] };
}

async function loadCommand(name: string): Promise<Command> {
  const entry = COMMANDS[name];
  if (entry === undefined) {
    throw new UsageError(
      `Unknown command "${name}".${didYouMean(name, Object.keys(COMMANDS))} ` +
        `Run "mcpx --help" to list commands.`,
    );
  }
  return await entry.load();
}

function printHelp(io: CommandIo, text: string): number {
  io.out(text.endsWith("\n") ? text : `${text}\n`);
  return 0;
}

/**
 * Runs `mcpx` with `argv` and resolves to its exit status. Global options (`--config`,
 * `-v/--verbose`, `--json`, `--help`) may stand anywhere before a command's own arguments end;
 * `--help` there wins over everything else. Exported for in-process tests and a future daemon.
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  let json = false;
  let wroteOut = false;
  try {
    const line = splitLine(argv);
    verbose = line.globals.includes("--verbose") || line.globals.includes("-v");
    json = line.globals.includes("--json");
    if (line.version && line.name === undefined) {
      io.out(`mcpx ${VERSION}\n`);
      return 0;
    }
    if (line.name === undefined) return printHelp(io, mainHelp());
    if (line.name === "help") {
      const topic = line.rest.find((word) => !word.startsWith("-"));
      return printHelp(io, topic === undefined ? mainHelp() : (await loadCommand(topic)).help);
    }
    const command = await loadCommand(line.name);
    const end = command.ownArgvEnd?.(line.rest) ?? line.rest.indexOf("--");
    const own = end === -1 ? line.rest : line.rest.slice(0, end);
    verbose ||= own.includes("--verbose") || own.includes("-v");
    json ||= own.includes("--json");
    if (line.help || own.includes("--help") || own.includes("-h")) {
      return printHelp(io, command.help);
    }
    return await command.run([...line.globals, ...line.rest], {
      ...io,
      out: (text) => {
        wroteOut = true;
        io.out(text);
      },
    });
  } catch (error) {
    if (error instanceof ClosedPipe) return 0;
    // Under --json stdout holds one object: a result that carries its own "error", or this.
    if (json && !wroteOut) io.out(errorJson(error));
    io.err(formatError(error, verbose, io.isTerminal === true && !io.env.NO_COLOR));
    if (error instanceof UsageError) return 2;
    if (!(error instanceof McpxError) && !verbose) {
      io.err("This is a bug in mcpx; rerun with --verbose and report the stack trace.\n");
    }
    return 1;
  }
}

/** Thrown by the writers of the real stdout/stderr once the reader went away (`| head`). */
class ClosedPipe extends Error {}

/** A writer for `file` that throws {@linkcode ClosedPipe} once, then drops further output. */
function writer(file: typeof Deno.stdout): (text: string) => void {
  const encoder = new TextEncoder();
  let closed = false;
  return (text) => {
    if (closed) return;
    const bytes = encoder.encode(text);
    try {
      for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      closed = true;
      throw new ClosedPipe("the reader of the output went away", { cause: error });
    }
  };
}

if (import.meta.main) {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const status = await main(Deno.args, {
    out: writer(Deno.stdout),
    err: writer(Deno.stderr),
    cwd: Deno.cwd(),
    env: Deno.env.toObject(),
    signal: controller.signal,
    isTerminal: Deno.stderr.isTerminal(),
  });
  Deno.exit(status);
}
