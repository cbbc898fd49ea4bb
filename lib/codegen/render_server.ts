/**
 * Renders everything `mcpx generate` writes for one server (wrapper files, `index.ts`,
 * `README.md`) and the cross-server `servers/INDEX.md`.
 *
 * @module
 */
import type { ToolInfo } from "../client/types.ts";
import type { ResourceInfo } from "../client/resource_types.ts";
import { renderResourcesFile } from "./render_resources.ts";
import { assignToolNames, type ToolNames } from "./names.ts";
import { inputIsOptional, outputSource, renderToolFile } from "./render_tool.ts";
import { GENERATED_HEADER } from "./render_tool.ts";
import { asSchema, isSchemaObject, propertyEntries, requiredSet } from "./_schema.ts";

/** One server's tools as listed, plus what discovery found. */
export interface ServerTools {
  /** The server's name in the config (the folder name under `servers/`). */
  readonly server: string;
  /** Its tools, in any order (output order does not depend on it). */
  readonly tools: readonly ToolInfo[];
  /** Tool name -> type exported by `discovered_types.ts`, for tools discovery covered. */
  readonly discovered?: Readonly<Record<string, string>>;
  /** Files of the server's folder written back unchanged (`discovered_types.ts` …). */
  readonly keep?: Readonly<Record<string, string>>;
  /** Its resources as listed; `resources.ts` is written when there is at least one. */
  readonly resources?: readonly ResourceInfo[];
}

/**
 * Folder name for a server under `servers/`: the server name itself. The config already refuses
 * slashes, backslashes, control characters and a leading `.`; they are replaced here as well.
 * Prefixed with `server_` only where it would clash with a file `generate` writes.
 */
export function serverFolder(server: string): string {
  // deno-lint-ignore no-control-regex
  const safe = server.replace(/[/\\\x00-\x1f]/g, "_").replace(/^\./, "_");
  return safe === "" || ["_runtime.ts", "INDEX.md", "README.md"].includes(safe)
    ? `server_${safe}`
    : safe;
}

function firstSentence(text: string | undefined, max = 120): string {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  const end = flat.search(/[.!?](\s|$)/);
  const sentence = end === -1 ? flat : flat.slice(0, end + 1);
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

/** `({ message, count? })`: the argument names of a tool, optional ones marked. */
function argSummary(tool: ToolInfo): string {
  const schema = asSchema(tool.inputSchema) ?? true;
  if (!isSchemaObject(schema)) return "()";
  const required = requiredSet(schema);
  const keys = propertyEntries(schema).map(([key]) => `${key}${required.has(key) ? "" : "?"}`);
  return keys.length === 0 ? "()" : `({ ${keys.join(", ")} })`;
}

function signature(tool: ToolInfo, names: ToolNames): string {
  const optional = inputIsOptional(tool) ? "?" : "";
  return `${names.fn}(input${optional}: ${names.type}Input): Promise<${names.type}Output>`;
}

/** Every file of one server, keyed by path relative to `servers/`. */
export function renderServer(entry: ServerTools): Map<string, string> {
  const folder = serverFolder(entry.server);
  const byName = new Map(entry.tools.map((tool) => [tool.name, tool]));
  const names = assignToolNames([...byName.keys()]);
  const files = new Map<string, string>();
  for (const n of names) {
    const tool = byName.get(n.tool);
    if (tool === undefined) continue;
    const discoveredType = entry.discovered?.[n.tool];
    files.set(
      `${folder}/${n.file}.ts`,
      renderToolFile(entry.server, tool, n, discoveredType === undefined ? {} : { discoveredType }),
    );
  }
  const exports = names.map((n) => `export * from "./${n.file}.ts";\n`).join("");
  files.set(
    `${folder}/index.ts`,
    `${GENERATED_HEADER}\n/**\n * Typed wrappers for the tools of MCP server \`${entry.server}\`.\n *\n * @module\n */\n${
      exports === "" ? "export {};\n" : exports
    }`,
  );
  for (const [name, text] of Object.entries(entry.keep ?? {})) files.set(`${folder}/${name}`, text);
  const resources = entry.resources ?? [];
  if (resources.length > 0) {
    files.set(`${folder}/resources.ts`, renderResourcesFile(entry.server, resources));
  }
  const sections = names.map((n) => {
    const tool = byName.get(n.tool) as ToolInfo;
    const output = outputSource(tool, discoveredOption(entry, n.tool));
    return `## ${n.tool}\n\n\`${n.file}.ts\`: \`${signature(tool, n)}\` (output: ${output})\n\n${
      firstSentence(tool.description, 400) || "(no description)"
    }\n`;
  });
  files.set(
    `${folder}/README.md`,
    `<!-- ${GENERATED_HEADER.slice(3)} -->\n# ${entry.server}\n\n${names.length} tool(s). ` +
      `Import from \`servers/${folder}/index.ts\` or one tool's file.\n\n${sections.join("\n")}` +
      (resources.length === 0 ? "" : resourcesSection(folder, resources.length)),
  );
  return files;
}

function resourcesSection(folder: string, count: number): string {
  return `\n## Resources\n\n${count} resource(s): \`servers/${folder}/resources.ts\` exports ` +
    "`listResources()`, `readResource(uri)`, `readResourceText(uri)` and `RESOURCES` (the " +
    "URIs listed at generation time).\n";
}

function discoveredOption(entry: ServerTools, tool: string): { discoveredType?: string } {
  const type = entry.discovered?.[tool];
  return type === undefined ? {} : { discoveredType: type };
}

/** `servers/INDEX.md`: one line per tool across all servers, the cheapest overview to read. */
export function renderIndex(entries: readonly ServerTools[]): string {
  const lines: string[] = [];
  const sorted = [...entries].sort((a, b) => (a.server < b.server ? -1 : 1));
  for (const entry of sorted) {
    const folder = serverFolder(entry.server);
    const byName = new Map(entry.tools.map((tool) => [tool.name, tool]));
    lines.push(`\n## ${entry.server}\n`);
    if (byName.size === 0) lines.push("(no tools)");
    for (const n of assignToolNames([...byName.keys()])) {
      const tool = byName.get(n.tool) as ToolInfo;
      const about = firstSentence(tool.description);
      lines.push(
        `- \`${folder}/${n.file}.ts\` ${n.fn}${argSummary(tool)}${about ? `: ${about}` : ""}`,
      );
    }
  }
  return `<!-- ${GENERATED_HEADER.slice(3)} -->\n# MCP tool index\n\nOne line per tool: ` +
    "`file` function(arguments, `?` = optional): purpose. Open the file for types and docs.\n" +
    `${lines.join("\n")}\n`;
}
