/**
 * `mcpx prompts <server> [name] [key=value …] [--json]`: list one server's prompts, or get one
 * filled with arguments.
 *
 * @module
 */
import { McpClientManager } from "../client/manager.ts";
import { formatPrompt, formatPromptList } from "../client/format_resources.ts";
import { UsageError } from "../errors.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers, takeServer } from "./adhoc.ts";
import { type Command, COMMON_HELP, parseCommandArgs } from "./command.ts";
import { parseTimeoutMs, TIMEOUT_HELP } from "./_timeout.ts";

const HELP = `mcpx prompts: list one server's prompts, or get one

Usage:
  mcpx prompts <server>                          list prompts and their arguments
  mcpx prompts <server> <name> [key=value …]     get one, filled with these arguments

Arguments:
  key=value           one prompt argument (prompt arguments are strings; kept as typed)
${TIMEOUT_HELP}
${ADHOC_HELP}
${COMMON_HELP}

A missing required argument is reported before the server is asked. Output: each message as
[role] and its text (other content as one line); --json prints the whole result.`;

function promptArgs(words: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf("=");
    if (at <= 0) {
      throw new UsageError(
        `mcpx prompts: expected key=value, got "${word}". Quote values with spaces: key="a b".`,
      );
    }
    args[word.slice(0, at)] = word.slice(at + 1);
  }
  return args;
}

/** The `prompts` command. */
export const command: Command = {
  name: "prompts",
  summary: "list one server's prompts, or get one: mcpx prompts <server> [name] k=v …",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("prompts", argv, {
      ...ADHOC_OPTIONS,
      "timeout-ms": { type: "string" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    const timeoutMs = parseTimeoutMs(values["timeout-ms"], "prompts");
    const { config, adhoc } = await loadCommandServers(values, io);
    const server = takeServer(positionals, adhoc, "prompts");
    const [name, ...rest] = positionals;
    const args = promptArgs(rest);
    const options = { signal: io.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
    const manager = new McpClientManager({ config });
    try {
      if (name === undefined) {
        const prompts = await manager.listPrompts(server, options);
        if (values.json) io.out(`${JSON.stringify(prompts, null, 2)}\n`);
        else if (prompts.length === 0) io.out(`Server "${server}" offers no prompts.\n`);
        else io.out(formatPromptList(prompts));
        return 0;
      }
      const result = await manager.getPrompt(server, name, args, options);
      io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatPrompt(result));
      return 0;
    } finally {
      await manager.cleanup();
    }
  },
};
