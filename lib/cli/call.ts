/**
 * `mcpx call <server> <tool> [key=value …] [--args JSON] [--json]`: call one MCP tool and print
 * its result.
 *
 * @module
 */
import { type Command, COMMON_HELP, parseCommandArgs } from "./command.ts";
import { parseTimeoutMs } from "./_timeout.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers, takeServer } from "./adhoc.ts";
import { UsageError } from "../errors.ts";
import { formatToolResult } from "../client/format.ts";
import { acquireCaller, withinDeadline } from "../client/shared.ts"; // daemon wiring

const HELP = `mcpx call: call one MCP tool and print its result

Usage:
  mcpx call <server> <tool> [key=value …] [--args JSON] [--json]
  mcpx call <server>__<tool> [key=value …]
  mcpx call --stdio "CMD ARGS" | --http-url URL <tool> [key=value …]

Arguments:
  key=value       one tool argument; the value is parsed as JSON when it parses (a=2 is the
                  number 2, s='"2"' the string "2", t=true, l='[1,2]'), else kept as a string
  --args JSON     a JSON object of arguments; key=value pairs override its keys
  --timeout-ms N  give up after N milliseconds (the call is cancelled on the server)
${ADHOC_HELP}
${COMMON_HELP}

Output: the result's value (text as is, anything else as JSON) and one line per image, audio or
resource item, e.g. [image/png, 1234 bytes]. --json prints the whole result.
Exit status: 0 ok, 1 when the call or the tool fails, 2 for usage errors.`;

/** Parses `key=value` words into tool arguments (values as JSON when they parse). */
export function parseKeyValues(words: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const word of words) {
    const at = word.indexOf("=");
    if (at <= 0) {
      throw new UsageError(
        `mcpx call: expected key=value, got "${word}". Quote values with spaces: key="a b".`,
      );
    }
    const raw = word.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: keep the text.
    }
    args[word.slice(0, at)] = value;
  }
  return args;
}

function parseArgsOption(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new UsageError(`mcpx call: --args is not valid JSON (${(cause as Error).message}).`, {
      cause,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`mcpx call: --args must be a JSON object, e.g. --args '{"a": 2}'.`);
  }
  return parsed as Record<string, unknown>;
}

/** The `call` command. */
export const command: Command = {
  name: "call",
  summary: "call one tool: mcpx call <server> <tool> key=value …",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("call", argv, {
      ...ADHOC_OPTIONS,
      args: { type: "string" },
      "timeout-ms": { type: "string" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    const { config, adhoc } = await loadCommandServers(values, io);
    const words = [...positionals];
    if (adhoc !== undefined) words.unshift(takeServer(words, adhoc, "call"));
    const [first, ...rest] = words;
    if (first === undefined) {
      throw new UsageError(`mcpx call needs a server and a tool. Run "mcpx call --help".`);
    }
    // "server__tool" as one word, or "server tool".
    const qualified = first.includes("__") && (rest[0] === undefined || rest[0].includes("="));
    const tool = qualified ? undefined : rest.shift();
    if (!qualified && tool === undefined) {
      throw new UsageError(
        `mcpx call: missing the tool name after "${first}". Run "mcpx tools ${
          adhoc === undefined ? first : "<same ad-hoc option>"
        }" to list them.`,
      );
    }
    const started = performance.now();
    const args = { ...parseArgsOption(values.args), ...parseKeyValues(rest) };
    const timeoutMs = parseTimeoutMs(values["timeout-ms"], "call");
    const options = {
      signal: io.signal,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    const { manager, release } = acquireCaller(config, io, { timeoutMs }); // daemon wiring
    try {
      // --timeout-ms bounds the whole command, the server's handshake included.
      const result = await withinDeadline(
        tool === undefined
          ? manager.callTool(first, args, options)
          : manager.callTool(first, tool, args, options),
        { timeoutMs, started, what: `mcpx call ${first}${tool === undefined ? "" : ` ${tool}`}` },
      );
      io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatToolResult(result));
      return 0;
    } finally {
      await release();
    }
  },
};
