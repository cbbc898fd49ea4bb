/**
 * `mcpx generate [SERVER…] [--check] [--out DIR]`: typed wrappers for every tool.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { type Command, COMMON_HELP, defineCommand, loadCommandConfig } from "./command.ts";
import { McpxError } from "../errors.ts";
import { McpClientManager } from "../client/manager.ts";
import { generateWrappers, type ServerProgress } from "../codegen/generate.ts";

const HELP = `mcpx generate: write typed wrappers for MCP tools into servers/

Usage: mcpx generate [SERVER…] [options]

Connects to every enabled server (or the ones named) in parallel and writes, per tool,
servers/<server>/<tool>.ts (input type, zod schema, output type, one async function), plus
servers/<server>/index.ts, README.md and tools.json, servers/_runtime.ts and servers/INDEX.md.
Files of tools that no longer exist are removed. A failing server does not stop the others;
the exit status is 1 if any failed.

Options:
  --check        write nothing; exit 1 and list the files that are stale
  --out DIR      output folder (default: servers/ beside mcp_config.json)
  --offline      render from the saved tools.json lists instead of connecting
${COMMON_HELP}`;

function describe(progress: ServerProgress, check: boolean): string {
  switch (progress.state) {
    case "written":
      return check
        ? progress.changed === 0 ? "up to date" : `${progress.changed} file(s) stale`
        : progress.changed === 0
        ? "unchanged"
        : `written (${progress.changed} file(s) changed)`;
    case "connecting":
      return "connecting…";
    case "listed":
      return `${progress.tools} tool(s)`;
    case "failed":
      return `failed: ${progress.error.message.split("\n")[0]}`;
  }
}

/** `record` with its keys sorted (servers finish in any order; the output must not). */
function byName<T, U = T>(
  record: Readonly<Record<string, T>>,
  map: (value: T) => U = (value) => value as unknown as U,
): Record<string, U> {
  return Object.fromEntries(
    Object.keys(record).sort().map((name) => [name, map(record[name] as T)]),
  );
}

/** The `generate` command. */
export const command: Command = defineCommand({
  name: "generate",
  summary: "write typed wrappers for every server's tools into servers/",
  help: HELP,
  options: {
    check: { type: "boolean" },
    out: { type: "string" },
    offline: { type: "boolean" },
  },
  async run({ values, positionals }, io) {
    const manager = new McpClientManager({ config: await loadCommandConfig(values, io) });
    try {
      await manager.initialize();
      const config = manager.config;
      const outDir = values.out === undefined
        ? undefined
        : isAbsolute(values.out)
        ? values.out
        : join(io.cwd, values.out);
      const report = await generateWrappers(config, manager, {
        servers: positionals,
        check: values.check ?? false,
        offline: values.offline ?? false,
        ...(outDir === undefined ? {} : { outDir }),
        onProgress: (p) => {
          if (values.json === true) return;
          // "connecting…" is progress for a person watching (a first start may download the
          // server): only on a terminal, and never when nothing connects (--offline).
          if (p.state === "connecting" && (values.offline === true || io.isTerminal !== true)) {
            return;
          }
          io.err(`${p.server}: ${describe(p, values.check === true)}\n`);
        },
      });
      const failed = Object.keys(report.failed);
      const stale = [...report.written, ...report.removed];
      const failure = failed.length > 0
        ? new McpxError(
          "CONNECT_FAILED",
          `Could not generate wrappers for ${failed.join(", ")} (see above); fix the server ` +
            `entries in mcp_config.json or run "mcpx generate" for the others only.`,
          { cause: report.failed[failed[0] as string] },
        )
        : values.check === true && stale.length > 0
        ? new McpxError(
          "STALE",
          `${stale.length} generated file(s) are stale; run "mcpx generate" to update them.`,
        )
        : undefined;
      if (values.json === true) {
        io.out(`${
          JSON.stringify({
            outDir: report.outDir,
            listed: byName(report.listed),
            failed: byName(report.failed, (error) => error.message),
            written: [...report.written].sort(),
            removed: [...report.removed].sort(),
            unchanged: report.unchanged,
            ...(failure === undefined
              ? {}
              : { error: { code: failure.code, message: failure.message } }),
          })
        }\n`);
      } else if (values.check === true) {
        for (const file of report.written) io.err(`stale: ${file}\n`);
        for (const file of report.removed) io.err(`would remove: ${file}\n`);
        if (stale.length === 0) io.err(`${report.outDir} is up to date\n`);
      } else {
        io.err(
          `wrote ${report.written.length} file(s), removed ${report.removed.length}, ` +
            `${report.unchanged} unchanged in ${report.outDir}\n`,
        );
      }
      if (failure !== undefined) throw failure;
      return 0;
    } finally {
      await manager.cleanup();
    }
  },
});
