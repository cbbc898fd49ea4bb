/**
 * Collects the texts `mcpx tokens` measures, for one configuration: what a traditional MCP
 * client puts in the model's context, and what each level of mcpx's progressive disclosure does.
 *
 * @module
 */
import { join } from "node:path";
import type { McpxConfig } from "../config/types.ts";
import type { ToolCaller } from "../client/types.ts";
import { extractHeader } from "../skills/header.ts";
import type { TokenSource } from "./report.ts";

/** What {@linkcode collectTokenSources} needs. */
export interface CollectOptions {
  /** Lists each server's tools (a connected `McpClientManager`). */
  readonly caller: Pick<ToolCaller, "listTools">;
  /** The skill whose header and file are measured. @default "fetch" */
  readonly skill?: string;
  /** The tools `mcpx serve` lists; measured as its `tools/list` payload. */
  readonly mcpxTools?: () => Promise<readonly unknown[]>;
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Builds the rows of `mcpx tokens`. The first row (every enabled server's `tools/list`, as a
 * traditional client sends it to the model) is the baseline. A server that cannot be listed is
 * a failure, not a silent zero: the baseline would be wrong.
 */
export async function collectTokenSources(
  config: McpxConfig,
  options: CollectOptions,
): Promise<TokenSource[]> {
  const enabled = Object.values(config.servers).filter((s) => !s.disabled).map((s) => s.name);
  const lists = await Promise.all(enabled.map(async (name) => {
    const tools = await options.caller.listTools(name);
    return { name, count: tools.length, json: JSON.stringify({ tools }) };
  }));
  const toolCount = lists.reduce((sum, l) => sum + l.count, 0);
  const sources: TokenSource[] = [{
    label: `tools/list of ${enabled.length} servers (${toolCount} tools), as a client sends them`,
    text: lists.map((l) => l.json).join("\n"),
  }];

  const index = await readOrUndefined(join(config.root, "servers", "INDEX.md"));
  sources.push({
    label: "servers/INDEX.md (one line per tool)",
    text: index,
    ...(index === undefined ? { missing: "run mcpx generate" } : {}),
  });

  const skill = (options.skill ?? "fetch").replace(/\.ts$/, "");
  const skillsDir = join(config.root, "skills");
  const listing: string[] = [];
  try {
    for await (const entry of Deno.readDir(skillsDir)) listing.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  listing.sort();
  const source = await readOrUndefined(join(skillsDir, `${skill}.ts`));
  const header = source === undefined ? undefined : extractHeader(source)?.text;
  const missingSkill = `no skills/${skill}.ts`;
  sources.push({
    label: `ls skills + USAGE header of ${skill}.ts`,
    text: header === undefined ? undefined : `${listing.join("\n")}\n${header}`,
    ...(header === undefined ? { missing: missingSkill } : {}),
  });
  sources.push({
    label: `whole file skills/${skill}.ts`,
    text: source,
    ...(source === undefined ? { missing: missingSkill } : {}),
  });
  if (options.mcpxTools !== undefined) {
    sources.push({
      label: "tools/list of mcpx serve",
      text: JSON.stringify({ tools: await options.mcpxTools() }),
    });
  }
  return sources;
}
