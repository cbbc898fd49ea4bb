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
import { basename } from "node:path";
import { McpxError } from "../errors.ts";
import type { ServeBackend } from "./backend.ts";
import { BoundaryRun, startSession } from "./_boundary_run.ts";
import { rankTools } from "./search.ts";
import { collectTools, describeFull, describeHit, wrappersExist } from "./_tool_hits.ts";
import { checkTimeout, chooseServers, chooseTier } from "./_run_checks.ts";
import { type AgentContext, agentError, agentText } from "./_agent_text.ts";
import { checkSkillArgs, exampleCalls, readSkillArguments } from "./_skill_args.ts";
import { TIER_NAMES } from "../sandbox/registry.ts";
import { serveCheckpoint } from "./_checkpoint.ts";

/** Options for {@linkcode createMcpxServer}. */
export interface McpxServerOptions {
  /** Version reported in `initialize`. @default "0.1.0" */
  version?: string;
  /** Characters of stdout (and, separately, stderr) returned per run before the cut. @default 20000 */
  outputLimitChars?: number;
}

/** The tool result shape the handlers return. */
type ToolReply = {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

/** What a handler's work returns: the text, whether it is an error result, structured data. */
type Answer = { text: string; failed?: boolean; structured?: Record<string, unknown> };

const TIER = z.enum(TIER_NAMES).optional().describe(
  "Sandbox tier; default set by the operator",
);
const TIMEOUT = z.number().min(1).optional().describe("Wall-clock limit, seconds");

/** Listing and reading: nothing changes, nothing outside the configured servers is reached. */
const READS = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const;
/** Running code: it may write the workspace, call any allowed tool and reach granted hosts. */
const RUNS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
} as const;

/**
 * Creates an MCP server exposing mcpx's tools over `backend`. Connect it to one transport
 * (stdio, or one HTTP session); create one server per HTTP session. Every answer goes through
 * the agent translation layer (`_agent_text.ts`): no host paths, no CLI advice, no escape codes.
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
  const answer = (work: (context: AgentContext) => Promise<Answer>) => reply(backend.root, work);
  // One vault per session: a placeholder never resolves in another session.
  const session = startSession(backend.privacy);

  server.registerTool("list_servers", {
    description: "List the configured MCP servers.",
    annotations: READS,
  }, () =>
    answer(async () => {
      const servers = await backend.tools.listServers();
      const lines = servers.map((s) => `${s.name} (${s.type}${s.disabled ? ", disabled" : ""})`);
      return { text: lines.length === 0 ? "no servers configured" : lines.join("\n") };
    }));

  server.registerTool("search_tools", {
    description:
      "Find tools on all MCP servers. detail: name (cheapest), summary, full (TypeScript signature for execute_code).",
    inputSchema: {
      query: z.string().describe("Words to match; empty lists all"),
      detail: z.enum(["name", "summary", "full"]).default("summary"),
      limit: z.number().int().min(1).max(100).default(10),
    },
    annotations: READS,
  }, ({ query, detail, limit: max }) =>
    answer(async () => {
      const { entries, failures } = await collectTools(backend);
      const hits = rankTools(entries, query, { limit: max });
      const lines = detail === "full"
        ? await describeFull(backend, hits, entries)
        : hits.map((hit) => describeHit(hit, detail));
      if (detail === "full" && hits.length > 0 && !await wrappersExist(backend)) {
        lines.push('(servers/ has no wrappers yet: the operator runs "mcpx generate")');
      }
      if (lines.length === 0) lines.push(`no tool matches "${query}"`);
      for (const failure of failures) lines.push(`(server ${failure})`);
      return { text: lines.join(detail === "full" ? "\n\n" : "\n") };
    }));

  server.registerTool("list_skills", {
    description: "List ready-made skills (name: purpose).",
    annotations: READS,
  }, () =>
    answer(async () => {
      const skills = await backend.skills.list();
      if (skills.length === 0) return { text: "no skills" };
      return { text: skills.map((skill) => `${skill.name}: ${skill.purpose}`).join("\n") };
    }));

  server.registerTool("get_skill", {
    description: "Show a skill's USAGE and the JSON Schema of its run_skill args.",
    inputSchema: { name: z.string() },
    annotations: READS,
  }, ({ name }) =>
    answer(async (context) => {
      const file = await backend.skills.resolve(name);
      const usage = await backend.skills.usage(name);
      const spec = await readSkillArguments(file, backend.root);
      if (spec === undefined) return { text: `${usage}\n\nTakes no arguments (a plain script).` };
      const skill = skillName(file);
      context.skill = { name: skill, fields: spec.fields };
      return {
        text: `${exampleCalls(usage, skill, spec)}\n\nrun_skill args (JSON Schema): ${
          JSON.stringify(spec.schema)
        }`,
      };
    }));

  server.registerTool("run_skill", {
    description: "Run a skill in the sandbox; returns exit code, stdout, stderr.",
    inputSchema: {
      name: z.string(),
      args: z.looseObject({}).optional().describe('JSON arguments, e.g. {"maxLength": 100}'),
      tier: TIER,
      timeoutSeconds: TIMEOUT,
    },
    annotations: RUNS,
  }, ({ name, args, tier, timeoutSeconds }, extra) =>
    answer(async (context) => {
      const path = await backend.skills.resolve(name);
      const spec = await readSkillArguments(path, backend.root);
      const skill = skillName(path);
      const run = new BoundaryRun(backend, session, { kind: "run_skill", skill, limit });
      const given = run.restore(args ?? {});
      if (spec !== undefined) {
        context.skill = { name: skill, fields: spec.fields };
        try {
          checkSkillArgs(skill, spec, given);
        } catch (error) {
          run.fail(error);
        }
      } else if (Object.keys(given).length > 0) {
        throw new McpxError(
          "INVALID_ARGUMENTS",
          `Skill ${skill} is a plain script and takes no arguments; call it without args.`,
        );
      }
      const done = await run.run({
        path,
        // A JSON object goes to the skill as it is ("42" stays a string).
        argv: [],
        args: given,
        tier: chooseTier(backend, tier),
        timeoutSeconds: checkTimeout(backend, timeoutSeconds),
        servers: undefined,
        allowNet: backend.serve.allowNet,
        signal: extra.signal,
        checkpoint: serveCheckpoint(server.server, extra, "run_skill"),
      });
      return { text: done.text, failed: done.failed, structured: { tokens: done.tokens } };
    }));

  server.registerTool("execute_code", {
    description:
      'Run TypeScript (top-level await) in the sandbox. Import wrappers like "./servers/<server>/index.ts" (see search_tools full). Returns exit code and output.',
    inputSchema: {
      code: z.string(),
      servers: z.array(z.string()).optional().describe(
        "MCP servers the code may call; default set by the operator",
      ),
      tier: TIER,
      timeoutSeconds: TIMEOUT,
    },
    annotations: RUNS,
  }, ({ code, servers: requested, tier, timeoutSeconds }, extra) =>
    answer(async (context) => {
      context.code = true;
      const chosen = chooseTier(backend, tier);
      const timeout = checkTimeout(backend, timeoutSeconds);
      const servers = await chooseServers(backend, requested);
      const run = new BoundaryRun(backend, session, {
        kind: "execute_code",
        skill: "execute_code",
        limit,
      });
      // The harness writes the snippet into a private directory of its own and removes it.
      const done = await run.run({
        path: "execute_code",
        argv: [],
        code,
        tier: chosen,
        timeoutSeconds: timeout,
        servers,
        allowNet: backend.serve.allowNet,
        signal: extra.signal,
        checkpoint: serveCheckpoint(server.server, extra, "execute_code"),
      });
      return { text: done.text, failed: done.failed, structured: { tokens: done.tokens } };
    }));

  return server;
}

function skillName(file: string): string {
  return basename(file).replace(/\.ts$/, "");
}

/** Runs a handler's work and translates whatever it answers, or throws, for the agent. */
async function reply(
  root: string,
  work: (context: AgentContext) => Promise<Answer>,
): Promise<ToolReply> {
  const context: AgentContext = { root };
  try {
    const { text, failed, structured } = await work(context);
    const content = [{ type: "text" as const, text: agentText(text, context) }];
    return {
      content,
      ...(structured === undefined ? {} : { structuredContent: structured }),
      ...(failed === true ? { isError: true } : {}),
    };
  } catch (error) {
    return { content: [{ type: "text", text: agentError(error, context) }], isError: true };
  }
}
