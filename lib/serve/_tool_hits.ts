/**
 * The hits of `search_tools`: collecting every enabled server's tools, and describing a hit at
 * each detail level (for `full`, the wrapper's import, types and signature, with the output
 * types `mcpx discover` inferred).
 *
 * @module
 */
import type { ServeBackend } from "./backend.ts";
import { capText } from "./_output.ts";
import type { ToolEntry } from "./search.ts";
import { outputSource, renderToolSignature } from "../codegen/render_tool.ts";
import { assignToolNames, type ToolNames } from "../codegen/names.ts";
import { serverFolder } from "../codegen/render_server.ts";
import { declarationsOf, readDiscoveredTypes } from "./_discovered_types.ts";

/** Detail `name` or `summary`: `server.tool[: first sentence]`. */
export function describeHit(hit: ToolEntry, detail: "name" | "summary"): string {
  const id = `${hit.server}.${hit.tool.name}`;
  if (detail === "name") return id;
  const summary = firstSentence(hit.tool.description ?? hit.tool.title ?? "");
  return summary === "" ? id : `${id}: ${summary}`;
}

/** Detail `full`: the import line and the wrapper's types, with discovered output types. */
export async function describeFull(
  backend: ServeBackend,
  hits: readonly ToolEntry[],
  entries: readonly ToolEntry[],
): Promise<string[]> {
  const names = wrapperNames(entries);
  const servers = [...new Set(hits.map((hit) => hit.server))];
  const discovered = new Map(
    await Promise.all(
      servers.map(async (s) => [s, await readDiscoveredTypes(backend.root, s)] as const),
    ),
  );
  return hits.map((hit) => {
    // Every hit is one of the entries the names were assigned for.
    const toolNames = names.get(`${hit.server}\0${hit.tool.name}`)!;
    const types = discovered.get(hit.server);
    const discoveredType = types?.types[hit.tool.name];
    const signature = backend.renderSignature?.(hit.server, hit.tool) ??
      renderToolSignature(
        hit.tool,
        toolNames,
        discoveredType === undefined ? {} : { discoveredType },
      );
    const found = discoveredType === undefined || outputSource(hit.tool) !== "none"
      ? []
      : [`// ${discoveredType}: inferred by mcpx discover`, declarationsOf(discoveredType, types!)];
    return [
      `// ${hit.server}.${hit.tool.name}: ${capText(hit.tool.description ?? "", 600)}`,
      `import { ${toolNames.fn} } from "./servers/${serverFolder(hit.server)}/index.ts";`,
      ...found,
      signature,
    ].join("\n");
  });
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

/** Whether `<root>/servers` holds any generated server folder. */
export async function wrappersExist(backend: ServeBackend): Promise<boolean> {
  try {
    return (await Deno.stat(`${backend.root}/servers`)).isDirectory &&
      (await Array.fromAsync(Deno.readDir(`${backend.root}/servers`))).some((e) => e.isDirectory);
  } catch {
    return false;
  }
}

/** Every enabled server's tools; a server that cannot be listed becomes a failure line. */
export async function collectTools(
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
