/**
 * `createMcpxServer()`: mcpx as an MCP server. Six tools give any MCP client progressive
 * disclosure over every configured server and sandboxed code execution; their descriptions are
 * kept short because the whole `tools/list` payload is prompt cost.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { McpxError } from "../errors.ts";
import type { ServeBackend } from "./backend.ts";
import { capText, formatRun } from "./_output.ts";
import { rankTools, type ToolEntry } from "./search.ts";
import { renderToolSignature } from "../codegen/render_tool.ts";
import { assignToolNames, type ToolNames } from "../codegen/names.ts";
import { serverFolder } from "../codegen/render_server.ts";
import { checkServers, checkTimeout, chooseTier } from "./_run_checks.ts";
import { TIER_NAMES } from "../sandbox/registry.ts";

/** Options for {@linkcode createMcpxServer}. */
export interface McpxServerOptions {
  /** Version reported in `initialize`. @default "0.1.0" */
  version?: string;
  /** Characters of stdout (and, separately, stderr) returned per run before the cut. @default 20000 */
  outputLimitChars?: number;
}

/** The tool result shape the handlers return. */
type ToolReply = { content: { type: "text"; text: string }[]; isError?: boolean };

const TIER = z.enum(TIER_NAMES).optional().describe(
  "Sandbox tier; default from config",
);
const TIMEOUT = z.number().min(1).optional().describe("Wall-clock limit, seconds");

/**
 * Creates an MCP server exposing mcpx's tools over `backend`. Connect it to one transport
 * (stdio, or one HTTP session); create one server per HTTP session.
 *
 * @example
 * ```ts ignore
 * import { createMcpxServer } from "./server.ts";
 * import { createDefaultBackend } from "./default_backend.ts";
 * import { loadConfig } from "../config/load.ts";
 * const server = createMcpxServer(createDefaultBackend(await loadConfig()));
 * ```
 */
export function createMcpxServer(
  backend: ServeBackend,
  options: McpxServerOptions = {},
): McpServer {
  const limit = options.outputLimitChars ?? 20_000;
  const server = new McpServer(
    { name: "mcpx", version: options.version ?? "0.1.0" },
    {
      instructions:
        "Start with list_skills or search_tools; run_skill/execute_code run sandboxed code.",
    },
  );

  server.registerTool("list_servers", {
    description: "List the configured MCP servers.",
  }, () =>
    guard(async () => {
      const servers = await backend.tools.listServers();
      const lines = servers.map((s) => `${s.name} (${s.type}${s.disabled ? ", disabled" : ""})`);
      return lines.length === 0 ? "no servers configured" : lines.join("\n");
    }));

  server.registerTool("search_tools", {
    description:
      "Find tools on all MCP servers. detail: name (cheapest), summary, full (TypeScript signature for execute_code).",
    inputSchema: {
      query: z.string().describe("Words to match; empty lists all"),
      detail: z.enum(["name", "summary", "full"]).default("summary"),
      limit: z.number().int().min(1).max(100).default(10),
    },
  }, ({ query, detail, limit: max }) =>
    guard(async () => {
      const { entries, failures } = await collectTools(backend);
      const hits = rankTools(entries, query, { limit: max });
      // Wrapper names are only shown in detail "full".
      const names = detail === "full" ? wrapperNames(entries) : new Map<string, ToolNames>();
      const lines = hits.map((hit) => describeHit(backend, hit, detail, names));
      if (detail === "full" && hits.length > 0 && !await wrappersExist(backend)) {
        lines.push('(servers/ has no wrappers yet: the operator runs "mcpx generate")');
      }
      if (lines.length === 0) lines.push(`no tool matches "${query}"`);
      for (const failure of failures) lines.push(`(server ${failure})`);
      return lines.join(detail === "full" ? "\n\n" : "\n");
    }));

  server.registerTool("list_skills", {
    description: "List ready-made skills (name: purpose).",
  }, () =>
    guard(async () => {
      const skills = await backend.skills.list();
      if (skills.length === 0) return "no skills";
      return skills.map((skill) => `${skill.name}: ${skill.purpose}`).join("\n");
    }));

  server.registerTool("get_skill", {
    description: "Show a skill's USAGE (arguments, example).",
    inputSchema: { name: z.string() },
  }, ({ name }) => guard(() => backend.skills.usage(name)));

  server.registerTool("run_skill", {
    description: "Run a skill in the sandbox; returns exit code, stdout, stderr.",
    inputSchema: {
      name: z.string(),
      args: z.union([z.looseObject({}), z.array(z.string())]).optional()
        .describe('Flags as {"maxLength": 100} or CLI strings ["--max-length", "100"]'),
      tier: TIER,
      timeoutSeconds: TIMEOUT,
    },
  }, ({ name, args, tier, timeoutSeconds }, extra) =>
    guardRun(async () => {
      const outcome = await backend.runner.run({
        path: await backend.skills.resolve(name),
        // A JSON object goes to the skill as it is ("42" stays a string); words are flags.
        argv: Array.isArray(args) ? args : [],
        args: Array.isArray(args) ? undefined : args ?? {},
        tier: chooseTier(backend, tier),
        timeoutSeconds: checkTimeout(backend, timeoutSeconds),
        servers: undefined,
        signal: extra.signal,
      });
      return { text: formatRun(outcome, limit), failed: outcome.exitCode !== 0 };
    }));

  server.registerTool("execute_code", {
    description:
      'Run TypeScript (top-level await) in the sandbox. Import wrappers like "./servers/<server>/index.ts" (see search_tools full). Returns exit code and output.',
    inputSchema: {
      code: z.string(),
      servers: z.array(z.string()).describe("MCP servers the code may call"),
      tier: TIER,
      timeoutSeconds: TIMEOUT,
    },
  }, ({ code, servers, tier, timeoutSeconds }, extra) =>
    guardRun(async () => {
      const chosen = chooseTier(backend, tier);
      const timeout = checkTimeout(backend, timeoutSeconds);
      await checkServers(backend, servers);
      // The harness writes the snippet into a private directory of its own and removes it.
      const outcome = await backend.runner.run({
        path: "execute_code",
        argv: [],
        code,
        tier: chosen,
        timeoutSeconds: timeout,
        servers,
        signal: extra.signal,
      });
      return { text: formatRun(outcome, limit), failed: outcome.exitCode !== 0 };
    }));

  return server;

  function describeHit(
    backend: ServeBackend,
    hit: ToolEntry,
    detail: "name" | "summary" | "full",
    names: ReadonlyMap<string, ToolNames>,
  ): string {
    const id = `${hit.server}.${hit.tool.name}`;
    if (detail === "name") return id;
    const summary = firstSentence(hit.tool.description ?? hit.tool.title ?? "");
    if (detail === "summary") return summary === "" ? id : `${id}: ${summary}`;
    // Every hit is one of the entries the names were assigned for.
    const toolNames = names.get(`${hit.server}\0${hit.tool.name}`)!;
    const name = toolNames.fn;
    const signature = backend.renderSignature?.(hit.server, hit.tool) ??
      renderToolSignature(hit.tool, toolNames);
    return [
      `// ${id}: ${capText(hit.tool.description ?? "", 600)}`,
      `import { ${name} } from "./servers/${serverFolder(hit.server)}/index.ts";`,
      signature,
    ].join("\n");
  }
}

/** `server\0tool` -> the generated wrapper's names (the code generator's naming). */
function wrapperNames(entries: readonly ToolEntry[]): Map<string, ToolNames> {
  const byServer = Map.groupBy(entries, (entry) => entry.server);
  const names = new Map<string, ToolNames>();
  for (const [server, list] of byServer) {
    for (const assigned of assignToolNames(list.map((entry) => entry.tool.name))) {
      names.set(`${server}\0${assigned.tool}`, assigned);
    }
  }
  return names;
}

async function wrappersExist(backend: ServeBackend): Promise<boolean> {
  try {
    return (await Deno.stat(`${backend.root}/servers`)).isDirectory &&
      (await Array.fromAsync(Deno.readDir(`${backend.root}/servers`))).some((e) => e.isDirectory);
  } catch {
    return false;
  }
}

async function collectTools(
  backend: ServeBackend,
): Promise<{ entries: ToolEntry[]; failures: string[] }> {
  const servers = (await backend.tools.listServers()).filter((s) => !s.disabled);
  const settled = await Promise.allSettled(servers.map((s) => backend.tools.listTools(s.name)));
  const entries: ToolEntry[] = [];
  const failures: string[] = [];
  settled.forEach((result, i) => {
    const server = servers[i]!.name;
    if (result.status === "fulfilled") {
      for (const tool of result.value) entries.push({ server, tool });
    } else {
      const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
      failures.push(`${server} unavailable: ${reason}`);
    }
  });
  return { entries, failures };
}

function firstSentence(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  const end = line.search(/\.(\s|$)/);
  const sentence = end === -1 ? line : line.slice(0, end + 1);
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}

async function guard(work: () => Promise<string>): Promise<ToolReply> {
  try {
    return { content: [{ type: "text", text: await work() }] };
  } catch (error) {
    return failure(error);
  }
}

async function guardRun(
  work: () => Promise<{ text: string; failed: boolean }>,
): Promise<ToolReply> {
  try {
    const { text, failed } = await work();
    return failed
      ? { content: [{ type: "text", text }], isError: true }
      : { content: [{ type: "text", text }] };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): ToolReply {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof McpxError ? `${error.code}: ` : "";
  return { content: [{ type: "text", text: `${code}${message}` }], isError: true };
}
