/**
 * Output types that `mcpx discover` inferred (`servers/<server>/discovered_types.ts`), for
 * `search_tools` detail `full`: the tool's type name and the declarations it needs, so that the
 * agent sees the shape of the result instead of `unknown`.
 *
 * @module
 */
import { join } from "node:path";
import { readDiscovered } from "../codegen/_discovered_file.ts";
import { DISCOVERED_TYPES_FILE } from "../codegen/_discovered_file.ts";
import { serverFolder } from "../codegen/render_server.ts";

/** What discovery recorded for one server. */
export interface DiscoveredTypes {
  /** Tool name -> the type `discovered_types.ts` exports for its result. */
  readonly types: Readonly<Record<string, string>>;
  /** Exported declaration name -> its text (`export` removed). */
  readonly declarations: ReadonlyMap<string, string>;
}

/** Reads `<root>/servers/<server>/`'s discovery files; `undefined` when discover never ran. */
export async function readDiscoveredTypes(
  root: string,
  server: string,
): Promise<DiscoveredTypes | undefined> {
  const { discovered, keep } = await readDiscovered(join(root, "servers", serverFolder(server)));
  const text = keep?.[DISCOVERED_TYPES_FILE];
  if (discovered === undefined || text === undefined) return undefined;
  return { types: discovered, declarations: splitDeclarations(text) };
}

/** Top-level `export interface|type|enum X …` blocks of a quicktype file, by name. */
function splitDeclarations(text: string): Map<string, string> {
  const declarations = new Map<string, string>();
  const starts = [...text.matchAll(/^export (?:interface|type|enum|const enum) (\w+)/gm)];
  starts.forEach((match, i) => {
    const end = starts[i + 1]?.index ?? text.length;
    const block = text.slice(match.index, end).trimEnd()
      // Comments between two declarations belong to the next one; keep only the code.
      .replace(/(?:\n\s*\/\/[^\n]*)+$/, "");
    declarations.set(match[1]!, block.replace(/^export /, ""));
  });
  return declarations;
}

/** The declaration of `name` and of every declaration it refers to, in file order. */
export function declarationsOf(name: string, types: DiscoveredTypes): string {
  const wanted = new Set<string>();
  const visit = (type: string) => {
    const text = types.declarations.get(type);
    if (text === undefined || wanted.has(type)) return;
    wanted.add(type);
    for (const word of text.matchAll(/\b[A-Z]\w*\b/g)) visit(word[0]);
  };
  visit(name);
  return [...types.declarations].filter(([type]) => wanted.has(type)).map(([, text]) => text)
    .join("\n");
}
