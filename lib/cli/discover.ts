/**
 * `mcpx discover [--draft] [--verify] [SERVER…]`: response types from real calls.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import {
  type Command,
  COMMON_HELP,
  defineCommand,
  loadCommandConfig,
  whileSlow,
} from "./command.ts";
import { McpxError, UsageError } from "../errors.ts";
import { McpClientManager } from "../client/manager.ts";
import type { ToolInfo } from "../client/types.ts";
import { DISCOVERY_CONFIG_FILE, loadDiscoveryConfig } from "../codegen/discovery_config.ts";
import { draftDiscoveryConfig, trialDraft } from "../codegen/draft.ts";
import { type CallEvent, runDiscovery, verifyDiscovery } from "../codegen/discover.ts";

const STARTING = "discover: starting the servers (a first start may download a package)…";

const HELP = `mcpx discover: infer response types from real tool calls

Usage: mcpx discover [SERVER…] [options]

Calls every tool listed under "safeTools" in discovery_config.json (beside mcp_config.json)
with its sample arguments, infers ONE type per tool from all its responses with quicktype,
writes servers/<server>/discovered_types.ts and regenerates the wrappers so that their output
types use it. A tool annotated destructiveHint: true is never called.

Options:
  --draft         write discovery_config.json from the servers' tools instead: safe tools
                  (by name and MCP annotations) with arguments synthesized from their schemas.
                  Each safe call is tried once; one that fails is moved to skipped.failed with
                  its error. Tools that are not safe are never called. When the file exists,
                  the draft goes to discovery_config.draft.json. Review it before discovery.
  --no-trial      with --draft, call nothing at all (keep every synthesized call untried)
  --force         with --draft, overwrite an existing discovery_config.json
  --verify        call the tools again and report responses that no longer match their
                  discovered type (drift); exit 1 if any
  --file PATH     the discovery config (default: discovery_config.json beside mcp_config.json)
  --out DIR       output folder (default: servers/ beside mcp_config.json)
  --timeout SECS  per-call timeout (default 30)
${COMMON_HELP}`;

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : join(cwd, path);
}

/** The `discover` command. */
export const command: Command = defineCommand({
  name: "discover",
  summary: "infer response types from real calls (discovery_config.json)",
  help: HELP,
  options: {
    draft: { type: "boolean" },
    "no-trial": { type: "boolean" },
    force: { type: "boolean" },
    verify: { type: "boolean" },
    file: { type: "string" },
    out: { type: "string" },
    timeout: { type: "string" },
  },
  async run({ values, positionals }, io) {
    if (values.draft === true && values.verify === true) {
      throw new UsageError("mcpx discover: --draft and --verify cannot be combined.");
    }
    const timeoutSeconds = values.timeout === undefined ? 30 : Number(values.timeout);
    if (!(timeoutSeconds > 0)) {
      throw new UsageError(
        `mcpx discover: --timeout expects seconds > 0, got "${values.timeout}".`,
      );
    }
    const manager = new McpClientManager({ config: await loadCommandConfig(values, io) });
    try {
      await manager.initialize();
      const config = manager.config;
      const file = values.file === undefined
        ? join(config.root, DISCOVERY_CONFIG_FILE)
        : resolvePath(io.cwd, values.file);
      const common = {
        servers: positionals,
        timeoutMs: timeoutSeconds * 1000,
        ...(values.out === undefined ? {} : { outDir: resolvePath(io.cwd, values.out) }),
        onCall: (e: CallEvent) => {
          if (values.json !== true) {
            io.err(
              `${e.server}.${e.tool}: ${e.ok ? "ok" : `failed: ${e.error?.split("\n")[0]}`}\n`,
            );
          }
        },
      };
      if (values.draft === true) return await draft(manager, file, positionals, values, io);
      const discovery = await loadDiscoveryConfig(file);
      if (values.verify === true) {
        const result = await whileSlow(io, verifyDiscovery(config, manager, discovery, common), {
          message: STARTING,
        });
        if (values.json === true) io.out(`${JSON.stringify(result)}\n`);
        for (const finding of values.json === true ? [] : result.drift) {
          io.out(`drift: ${finding.server}.${finding.tool}\n`);
          for (const problem of finding.problems) io.out(`  ${problem}\n`);
        }
        for (const failure of result.failures) io.err(`failed: ${failure}\n`);
        if (result.drift.length > 0 || result.failures.length > 0) {
          throw new McpxError(
            "TOOL_ERROR",
            `${result.drift.length} response(s) drifted from their discovered types and ` +
              `${result.failures.length} call(s) failed; run "mcpx discover" to re-infer the types.`,
          );
        }
        if (values.json !== true) io.out(`no drift in ${result.checked} response(s)\n`);
        return 0;
      }
      const report = await whileSlow(io, runDiscovery(config, manager, discovery, common), {
        message: STARTING,
      });
      if (values.json === true) {
        io.out(`${JSON.stringify({ samples: report.samples, failures: report.failures })}\n`);
      } else {
        for (const [server, tools] of Object.entries(report.samples)) {
          io.err(`${server}: discovered ${Object.keys(tools).length} type(s)\n`);
        }
      }
      if (report.failures.length > 0) {
        throw new McpxError(
          "TOOL_ERROR",
          `${report.failures.length} discovery call(s) failed or were refused (see above); fix ` +
            `their arguments in ${file} or remove them.`,
        );
      }
      return 0;
    } finally {
      await manager.cleanup();
    }
  },
});

async function draft(
  manager: McpClientManager,
  file: string,
  positionals: string[],
  values: { force?: boolean; json?: boolean; "no-trial"?: boolean },
  io: { out(text: string): void; err(text: string): void },
): Promise<number> {
  const config = manager.config;
  const names = positionals.length > 0
    ? positionals
    : Object.values(config.servers).filter((s) => !s.disabled).map((s) => s.name);
  const toolsByServer: Record<string, readonly ToolInfo[]> = {};
  const failed: string[] = [];
  await Promise.all(names.map(async (server) => {
    try {
      toolsByServer[server] = await manager.listTools(server);
    } catch (error) {
      failed.push(server);
      io.err(`${server}: failed: ${(error as Error).message.split("\n")[0]}\n`);
    }
  }));
  const drafted = draftDiscoveryConfig(toolsByServer);
  if (values["no-trial"] !== true) {
    await trialDraft(drafted, manager, { onResult: (line) => io.err(`${line}\n`) });
  }
  const text = `${JSON.stringify(drafted, null, 2)}\n`;
  if (values.json === true) {
    io.out(text);
  } else {
    // A reviewed config is never overwritten unless asked: the draft goes beside it.
    const exists = await Deno.stat(file).then(() => true, () => false);
    const target = exists && values.force !== true ? file.replace(/\.json$/, ".draft.json") : file;
    await Deno.writeTextFile(target, text);
    io.err(
      `wrote ${target}: review the safe tools and their arguments${
        target === file ? "" : `, merge what you want into ${file}`
      }, then run "mcpx discover"\n`,
    );
  }
  if (failed.length > 0) {
    throw new McpxError("CONNECT_FAILED", `Could not list tools of ${failed.join(", ")}.`);
  }
  return 0;
}
