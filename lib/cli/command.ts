/**
 * The contract between `cli.ts` and each subcommand, and the one way to define a command
 * ({@linkcode defineCommand}). A command parses its own arguments (with
 * {@linkcode parseCommandArgs}), writes through `io`, and returns an exit status. It never calls
 * `Deno.exit`; it throws `UsageError` for bad usage (exit 2) and any `McpxError` for failures
 * (exit 1).
 *
 * What holds for every command comes from `cli.ts` and this module, not from each command:
 * global options anywhere (`cli.ts` moves those written before the command name after it),
 * `--help` anywhere before the command's own `--` wins, `--json` failures as one JSON object, and
 * "did you mean" for unknown options.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { McpxError, UsageError } from "../errors.ts";
import { didYouMean } from "../client/_suggest.ts";
import { loadConfig } from "../config/load.ts";
import type { McpxConfig } from "../config/types.ts";
import type { PooledIo } from "../client/pooled.ts";

/** Where a command writes and what it may read of its surroundings. */
export interface CommandIo {
  /** Writes to standard output (no newline added). */
  out(text: string): void;
  /** Writes to standard error (no newline added). */
  err(text: string): void;
  /** The current working directory. */
  readonly cwd: string;
  /** The process environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Cancelled on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** Whether stderr is a terminal: progress lines are shown only then. Default false. */
  readonly isTerminal?: boolean;
}

/** The options a command declares, in `node:util` `parseArgs` form. */
export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** One `mcpx` subcommand. */
export interface Command {
  /** The word after `mcpx`. */
  readonly name: string;
  /** One line for `mcpx --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit status. */
  run(argv: string[], io: CommandIo): Promise<number>;
  /** Its own options (besides {@linkcode COMMON_OPTIONS}): for completions and "did you mean".
   * When absent, they are read from the `--flags` in `help`. */
  readonly options?: CommandOptions;
  /** Where the command's own arguments end (default: at `--`). `exec` stops at the skill path:
   * what follows is the skill's, `--help` included. */
  ownArgvEnd?(argv: readonly string[]): number;
  /** What its first positional argument names, for shell completion. */
  readonly firstArgument?: FirstArgument;
}

/** Kinds of names a command's first argument can be completed from. */
export type FirstArgument = "server" | "skill";

/** The parsed arguments handed to a command made by {@linkcode defineCommand}. */
export interface ParsedArgs<O extends CommandOptions> {
  /** Option values, {@linkcode COMMON_OPTIONS} included. */
  readonly values: ReturnType<typeof parseCommandArgs<O>>["values"];
  /** Words that are not options. */
  readonly positionals: string[];
}

/** What {@linkcode defineCommand} needs: today's {@linkcode Command} fields plus the options. */
export interface CommandSpec<O extends CommandOptions> {
  /** The word after `mcpx`. */
  readonly name: string;
  /** One line for `mcpx --help`. */
  readonly summary: string;
  /** The full `--help` text (end it with {@linkcode COMMON_HELP}). */
  readonly help: string;
  /** The command's own options. */
  readonly options: O;
  /** The most positional words it takes; more is a usage error. Default: any number. */
  readonly maxPositionals?: number;
  /** What its first positional argument names, for shell completion. */
  readonly firstArgument?: FirstArgument;
  /** Runs with parsed arguments; resolves to the exit status. */
  run(args: ParsedArgs<O>, io: CommandIo): Promise<number>;
}

/**
 * Defines a command: parses its arguments strictly ("did you mean" for unknown options), answers
 * `--help`, refuses extra positionals, then calls `run`. The result is a plain
 * {@linkcode Command}, so `cli.ts` treats it like any other.
 *
 * @example
 * ```ts
 * import { COMMON_HELP, defineCommand } from "./command.ts";
 * const hello = defineCommand({
 *   name: "hello",
 *   summary: "say hello",
 *   help: `mcpx hello [--loud]\n${COMMON_HELP}`,
 *   options: { loud: { type: "boolean" } },
 *   maxPositionals: 0,
 *   run: ({ values }, io) => {
 *     io.out(values.loud ? "HELLO\n" : "hello\n");
 *     return Promise.resolve(0);
 *   },
 * });
 * console.assert(hello.options?.loud !== undefined);
 * ```
 */
export function defineCommand<O extends CommandOptions>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    help: spec.help,
    options: spec.options,
    ...(spec.firstArgument === undefined ? {} : { firstArgument: spec.firstArgument }),
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(spec.name, argv, spec.options);
      if ((values as { help?: boolean }).help) {
        io.out(spec.help.endsWith("\n") ? spec.help : `${spec.help}\n`);
        return 0;
      }
      if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
        const extra = positionals[spec.maxPositionals]!;
        throw new UsageError(
          `mcpx ${spec.name}: unexpected argument "${extra}". Run "mcpx ${spec.name} --help".`,
        );
      }
      return await spec.run({ values, positionals }, io);
    },
  };
}

/** The long option names a command accepts (`--name`), common options included. */
export function commandFlags(command: Command): string[] {
  const own = command.options === undefined
    ? [...command.help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!)
    : Object.keys(command.options);
  return [...new Set([...own, ...Object.keys(COMMON_OPTIONS)])].map((name) => `--${name}`);
}

/** The JSON object a failure prints on stdout under `--json`: `{"error":{"code","message"}}`. */
export function errorJson(error: unknown): string {
  const code = error instanceof McpxError ? error.code : "INTERNAL";
  const message = error instanceof Error ? error.message : String(error);
  return `${JSON.stringify({ error: { code, message } })}\n`;
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  "no-daemon": { type: "boolean" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** The help lines for {@linkcode COMMON_OPTIONS}, appended to every command's help. */
export const COMMON_HELP = `
Common options:
  --config PATH   use this mcp_config.json (else $MCPX_CONFIG, ./mcp_config.json, user config dir)
  --json          machine-readable output
  -v, --verbose   show stack traces and debug detail
  --no-daemon     run here even when an mcpx daemon serves the config (or MCPX_DAEMON=0)
  -h, --help      show this help`;

/**
 * Parses a command's arguments strictly, turning `node:util` errors into a {@linkcode UsageError}
 * that names the command.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from "./command.ts";
 * const { values, positionals } = parseCommandArgs("tools", ["everything", "--json"], {});
 * console.assert(values.json === true && positionals[0] === "everything");
 * ```
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  argv: string[],
  options: O,
  parseOptions: { allowPositionals?: boolean } = {},
): ReturnType<typeof parseArgs<{ options: O & typeof COMMON_OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: parseOptions.allowPositionals ?? true,
      strict: true,
    }) as never;
  } catch (cause) {
    throw new UsageError(
      `mcpx ${command}: ${describeParseError(cause, { ...COMMON_OPTIONS, ...options })} ` +
        `Run "mcpx ${command} --help".`,
      { cause },
    );
  }
}

/**
 * ` Did you mean "--x"?` for an unknown `option` (`--shema`, `--shema=1`) among the long option
 * `names` (without dashes), or `""`. Compared without the dashes, which would make any two long
 * options look alike.
 */
export function didYouMeanOption(option: string, names: readonly string[]): string {
  const near = didYouMean(option.split("=")[0]!.replace(/^-+/, ""), names);
  return near.replace(/"(.+)"\?$/, '"--$1"?');
}

/** One sentence for a `node:util` parseArgs error, with "did you mean" for an unknown option. */
function describeParseError(error: unknown, options: CommandOptions): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
    return `unknown option ${unknown}.${didYouMeanOption(unknown, Object.keys(options))}`;
  }
  const unexpected = /^Unexpected argument '([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && unexpected !== undefined) {
    return `unexpected argument "${unexpected}".`;
  }
  return message.endsWith(".") ? message : `${message}.`;
}

/**
 * Loads the configuration a command runs with (`--config`, else the search order) and prints
 * its warnings to stderr, so that every command reports an unknown key the same way.
 */
export async function loadCommandConfig(
  values: { config?: string | undefined },
  io: Pick<CommandIo, "cwd" | "env" | "err">,
): Promise<McpxConfig> {
  const options = {
    ...(values.config === undefined ? {} : { path: values.config }),
    cwd: io.cwd,
    env: io.env,
  };
  // daemon wiring: the daemon answers a config it loaded before, while its files are unchanged.
  const pool = (io as PooledIo).pool;
  const config = await (pool?.loadConfig?.(options) ?? loadConfig(options));
  for (const warning of config.warnings) io.err(`warning: ${warning}\n`);
  return config;
}

/** The progress line for a server's first start, which may download its package. */
export function startingMessage(server: string): string {
  return `starting server "${server}" (a first start may download its package)…`;
}

/** Options of {@linkcode whileSlow}. */
export interface WhileSlowOptions {
  /** The progress line. */
  readonly message: string;
  /** How long the work may take before the line is shown. @default 700 */
  readonly afterMs?: number;
}

/**
 * Resolves to `work`'s value; when it takes longer than `afterMs` and stderr is a terminal,
 * says `message` on stderr meanwhile (so a slow first start is not silence). Never on a pipe.
 */
export async function whileSlow<T>(
  io: Pick<CommandIo, "err" | "isTerminal">,
  work: Promise<T>,
  options: WhileSlowOptions,
): Promise<T> {
  if (io.isTerminal !== true) return await work;
  const timer = setTimeout(() => io.err(`${options.message}\n`), options.afterMs ?? 700);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}
