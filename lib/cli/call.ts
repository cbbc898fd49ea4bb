/**
 * `mcpx call <server> <tool> [key=value …] [--args JSON] [--json]`: call one MCP tool and print
 * its result.
 *
 * @module
 */
import { type Command, COMMON_HELP, defineCommand, startingMessage, whileSlow } from "./command.ts";
import { parseTimeoutMs } from "./_timeout.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers, takeServer } from "./adhoc.ts";
import { McpxError, UsageError } from "../errors.ts";
import { openRun } from "../checkpoint/run.ts";
import { terminalApprover } from "../checkpoint/approval.ts";
import { formatToolResult } from "../client/format.ts";
import { acquireCaller, withinDeadline } from "../client/shared.ts";
import { inDaemon } from "../client/pooled.ts";
import { coerceArguments, readKeyValues } from "./_tool_args.ts";
import { openCliBoundary } from "../privacy/cli.ts";

const HELP = `mcpx call: call one MCP tool and print its result

Usage:
  mcpx call <server> <tool> [key=value …] [--args JSON] [--json]
  mcpx call <server>__<tool> [key=value …]
  mcpx call --stdio "CMD ARGS" | --http-url URL <tool> [key=value …]

Arguments:
  key=value       one tool argument, typed by the tool's input schema: text where it says
                  string (message=123 sends "123"), a number, boolean, array (JSON or a,b,c)
                  or object (JSON) where it says so; JSON-or-text when it says nothing
  key=@FILE       the argument's value is the text of FILE (key=@@x is the text "@x")
  --args JSON     a JSON object of arguments, sent as typed; key=value pairs override its keys
  --timeout-ms N  give up after N milliseconds (the call is cancelled on the server)
  --approve GLOB  pre-approve a call a policy marks "approve" (server.tool glob, repeatable);
                  otherwise mcpx asks on the terminal, or fails with APPROVAL_REQUIRED
${ADHOC_HELP}
${COMMON_HELP}

An argument the tool does not declare is sent anyway, with a warning on stderr.

Output: the result's value (text as is, anything else as JSON) and one line per image, audio or
resource item, e.g. [image/png, 1234 bytes]. --json prints the whole result.
Exit status: 0 ok, 1 when the call or the tool fails, 2 for usage errors.
With "privacy" on in the config, placeholders in the arguments are restored to their values
and personal data in the output is replaced by placeholders (docs/privacy.md).`;

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
export const command: Command = defineCommand({
  name: "call",
  summary: "call one tool: mcpx call <server> <tool> key=value …",
  help: HELP,
  firstArgument: "server",
  options: {
    ...ADHOC_OPTIONS,
    args: { type: "string" },
    "timeout-ms": { type: "string" },
    approve: { type: "string", multiple: true },
  },
  async run({ values, positionals }, io) {
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
    const base = parseArgsOption(values.args);
    const pairs = await readKeyValues(rest, io.cwd);
    const timeoutMs = parseTimeoutMs(values["timeout-ms"], "call");
    const options = {
      signal: io.signal,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    // The daemon's shared manager when it serves this config (an ad-hoc server's differ: a fresh
    // one); it goes into the checkpoint, so daemon calls pass policy, approval and audit too.
    const { manager, release } = acquireCaller(config, io, { timeoutMs });
    const { boundary, save } = await openCliBoundary(config, io.env, (l) => io.err(`${l}\n`));
    const run = await openRun(manager, {
      config,
      env: io.env,
      kind: "call",
      approve: values.approve ?? [],
      approver: terminalApprover(inDaemon(io) ? () => undefined : undefined),
      onNotice: io.err,
    });
    let outcome = "INTERNAL";
    try {
      // --timeout-ms bounds the whole command, the server's handshake included.
      const what = `mcpx call ${first}${tool === undefined ? "" : ` ${tool}`}`;
      const [serverName, toolName, result] = await withinDeadline(
        (async () => {
          await manager.initialize();
          const [serverName, toolName] = tool === undefined
            ? manager.splitQualifiedName(first)
            : [first, tool];
          const tools = await whileSlow(io, manager.listTools(serverName), {
            message: startingMessage(serverName),
          });
          const info = tools.find((t) => t.name === toolName);
          const { args, warnings } = coerceArguments(pairs, info?.inputSchema, {
            tool: `${serverName}.${toolName}`,
            base,
          });
          for (const warning of warnings) io.err(`warning: ${warning}\n`);
          // Placeholders are restored outermost, so the checkpoint's policies see the real values.
          const caller = boundary.caller(run.caller);
          return [
            serverName,
            toolName,
            await caller.callTool(serverName, toolName, args, options),
          ] as const;
        })(),
        { timeoutMs, started, what },
      );
      const text = values.json ? `${JSON.stringify(result, null, 2)}\n` : formatToolResult(result);
      const masked = config.privacy?.call === true && boundary.masks(serverName, toolName);
      io.out(masked ? boundary.mask(text) : text);
      outcome = "ok";
      return 0;
    } catch (error) {
      if (error instanceof McpxError) outcome = error.code;
      throw error;
    } finally {
      await run.end(outcome);
      await save();
      await release();
    }
  },
});
