/**
 * The contract between `cli.ts` and each subcommand. A command parses its own arguments (with
 * {@linkcode parseCommandArgs}), writes through `io`, and returns an exit status. It never calls
 * `Deno.exit`; it throws `UsageError` for bad usage (exit 2) and any `McpxError` for failures
 * (exit 1).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.ts";
import { loadConfig } from "../config/load.ts";
import type { McpxConfig } from "../config/types.ts";

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
}

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
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** The help lines for {@linkcode COMMON_OPTIONS}, appended to every command's help. */
export const COMMON_HELP = `
Common options:
  --config PATH   use this mcp_config.json (else $MCPX_CONFIG, ./mcp_config.json, user config dir)
  --json          machine-readable output
  -v, --verbose   show stack traces and debug detail
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
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new UsageError(`mcpx ${command}: ${message}. Run "mcpx ${command} --help".`, { cause });
  }
}

/**
 * Loads the configuration a command runs with (`--config`, else the search order) and prints
 * its warnings to stderr, so that every command reports an unknown key the same way.
 */
export async function loadCommandConfig(
  values: { config?: string | undefined },
  io: Pick<CommandIo, "cwd" | "env" | "err">,
): Promise<McpxConfig> {
  const config = await loadConfig({
    ...(values.config === undefined ? {} : { path: values.config }),
    cwd: io.cwd,
    env: io.env,
  });
  for (const warning of config.warnings) io.err(`warning: ${warning}\n`);
  return config;
}
