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
import { didYouMean } from "./lib/client/_suggest.ts";
import { commandWord, forward } from "./lib/daemon/client.ts";

/**
 * Imports `lib/<path>.ts`. The specifier is computed on purpose: Deno walks every literal
 * `import("…")` of the main module before running it, which cost every `mcpx` start (and the
 * daemon's thin client, which must load nothing heavy) ~11 ms for modules most commands never
 * load.
 */
function importLib<T>(path: string): Promise<T> {
  return import(new URL(`./lib/${path}.ts`, import.meta.url).href);
}

/** Loads `lib/cli/<name>.ts`'s `command`. */
async function importCommand(name: string): Promise<Command> {
  return (await importLib<{ command: Command }>(`cli/${name}`)).command;
}

/** `lib/cli/command.ts` (zod and the config loader behind it), loaded once a command runs here. */
function commandKit(): Promise<typeof import("./lib/cli/command.ts")> {
  return importLib("cli/command");
}

/** Subcommands, loaded on demand so that `mcpx exec` does not pay for `mcpx generate`. Help,
 * completions and "did you mean" derive from this registry. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  servers: {
    summary: "list the configured MCP servers (--status checks each one)",
    load: () => importCommand("servers"),
  },
  tools: {
    summary: "list one server's tools (--schema for input schemas)",
    load: () => importCommand("tools"),
  },
  call: {
    summary: "call one tool: mcpx call <server> <tool> key=value …",
    load: () => importCommand("call"),
  },
  resources: {
    summary: "list one server's resources, or read one: mcpx resources <server> [uri]",
    load: () => importCommand("resources"),
  },
  prompts: {
    summary: "list one server's prompts, or get one: mcpx prompts <server> [name] k=v …",
    load: () => importCommand("prompts"),
  },
  config: {
    summary: "show which config file is used and the resolved servers",
    load: () => importCommand("config"),
  },
  exec: {
    summary: "run a skill or script in a sandbox: mcpx exec skills/fetch.ts --url …",
    load: () => importCommand("exec"),
  },
  skills: {
    summary: "list skills with their purpose; mcpx skills NAME prints its USAGE",
    load: () => importCommand("skills"),
  },
  generate: {
    summary: "write typed wrappers for every server's tools into servers/",
    load: () => importCommand("generate"),
  },
  discover: {
    summary: "infer response types from real calls (discovery_config.json)",
    load: () => importCommand("discover"),
  },
  doctor: {
    summary: "report which sandbox guarantees hold on this host",
    load: () => importCommand("doctor"),
  },
  serve: {
    summary: "serve mcpx itself as an MCP server (stdio, or --http)",
    load: () => importCommand("serve"),
  },
  privacy: {
    summary: "show or clear the placeholder vault of PII tokenization",
    load: () => importCommand("privacy"),
  },
  tokens: {
    summary: "measure the token cost of tool definitions vs. skills and wrappers",
    load: () => importCommand("tokens"),
  },
  auth: {
    summary: "log in to an OAuth server: mcpx auth <server> (--logout, --status)",
    load: () => importCommand("auth"),
  },
  daemon: {
    summary: "keep servers and the harness warm: mcpx daemon start|status|stop|restart",
    load: () => importCommand("daemon"),
  },
  log: {
    summary: "show the audit log of tool calls and runs (--run ID, --tail N)",
    load: () => importCommand("log"),
  },
  install: {
    summary: "install mcpx as a global command (deno install -g)",
    load: () => importCommand("install"),
  },
  completions: {
    summary: "print a shell completion script: mcpx completions bash|zsh|fish",
    load: async () =>
      (await importLib<typeof import("./lib/cli/completions.ts")>("cli/completions"))
        .completionsCommand(COMMANDS),
  },
};

const VERSION = "0.1.0";

function mainHelp(commonHelp: string): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}  ${c.summary}`
  );
  return `mcpx ${VERSION}: run MCP tools and sandboxed skills from code

Usage: mcpx [global options] <command> [options]

Commands:
${lines.join("\n")}
${commonHelp.replace("Common options:", "Global options (anywhere on the line):")}
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

/** Global flags without a value (`--no-daemon` is read by the thin client before this runs; here it
 * is accepted and ignored, so it may stand anywhere). */
const GLOBAL_FLAGS = new Set(["--verbose", "-v", "--json", "--no-daemon"]);

/** The global options written before the command name, and what follows them. */
interface Line {
  /** Global options before the command (`--help`, `-h`, `--version`, `-V` taken out). */
  readonly globals: string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly name: string | undefined;
  readonly rest: string[];
}

function splitLine(
  argv: readonly string[],
  kit: Pick<typeof import("./lib/cli/command.ts"), "COMMON_OPTIONS" | "didYouMeanOption">,
): Line {
  const globals: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--help" || word === "-h") help = true;
    else if (word === "--version" || word === "-V") version = true;
    else if (GLOBAL_FLAGS.has(word)) globals.push(word);
    else if (word.startsWith("--config=")) globals.push(word);
    else if (word === "--config") {
      if (argv[i + 1] === undefined) {
        throw new UsageError('mcpx: --config needs a path. Run "mcpx --help".');
      }
      globals.push(word, argv[++i]!);
    } else if (word.startsWith("-") && word !== "--") {
      throw new UsageError(
        `mcpx: unknown global option ${word}.${
          kit.didYouMeanOption(word, Object.keys(kit.COMMON_OPTIONS))
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
  let commonHelp = "";
  let errorJson: ((error: unknown) => string) | undefined;
  try {
    const kit = await commandKit();
    commonHelp = kit.COMMON_HELP;
    errorJson = kit.errorJson;
    const line = splitLine(argv, kit);
    verbose = line.globals.includes("--verbose") || line.globals.includes("-v");
    json = line.globals.includes("--json");
    if (line.version && line.name === undefined) {
      io.out(`mcpx ${VERSION}\n`);
      return 0;
    }
    if (line.name === undefined) return printHelp(io, mainHelp(commonHelp));
    if (line.name === "help") {
      const topic = line.rest.find((word) => !word.startsWith("-"));
      return printHelp(
        io,
        topic === undefined ? mainHelp(commonHelp) : (await loadCommand(topic)).help,
      );
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
    if (json && !wroteOut && errorJson !== undefined) io.out(errorJson(error));
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
  // The thin client: when a daemon serves this command's config, it runs the command. Nothing
  // heavy is imported before this (`lib/daemon/client.ts` is import-free but for the protocol).
  const forwarded = await forward(Deno.args, {
    cwd: Deno.cwd(),
    env: Deno.env.toObject(),
    io: { out: writer(Deno.stdout), err: writer(Deno.stderr) },
  }).catch((error) => {
    if (error instanceof ClosedPipe) return 0;
    throw error;
  });
  if (forwarded !== undefined) Deno.exit(forwarded);
  // A run's tokens are counted when it ends: the tokenizer (~80 ms to load) starts loading now,
  // in a Worker, while the command's modules load and the sandbox runs.
  if (commandWord(Deno.args) === "exec") {
    (await importLib<typeof import("./lib/tokens/tokenizer.ts")>("tokens/tokenizer"))
      .prestartTokenizer();
  }
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
