/**
 * `execute_code` snippets. The harness learns a module's manifest by importing it in a child
 * with no permissions, so a snippet's statements must not run at import time: the snippet is
 * wrapped into a skill whose `run()` holds its statements, with its `import` declarations kept
 * at the top (relative specifiers resolved against the project root, so `./servers/…` works as
 * documented). The file lives in `<root>/workspace/.mcpx-serve/` while it runs.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The folder under the workspace holding snippets while they run. */
export const SNIPPET_DIR = ".mcpx-serve";

const DEFINE_SKILL = new URL("../skills/define.ts", import.meta.url).href;

const IMPORT_DECLARATION =
  /^[ \t]*import\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s*)?(["'])[^"'\n]+\1(?:\s*with\s*\{[^}]*\})?[ \t]*;?/gm;

const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"'\n]*)\2/g;

/** Rewrites `./x` and `../x` module specifiers into `file:` URLs resolved against `root`. */
export function rewriteImports(code: string, root: string): string {
  return code.replace(RELATIVE_SPECIFIER, (_all, lead: string, quote: string, spec: string) => {
    const url = pathToFileURL(resolve(root, spec)).href;
    return `${lead}${quote}${url}${quote}`;
  });
}

/** Turns a snippet into a skill module: its imports on top, its statements inside `run()`. */
export function wrapSnippet(code: string, root: string, servers: readonly string[]): string {
  const imports: string[] = [];
  const body = code.replace(IMPORT_DECLARATION, (declaration) => {
    imports.push(declaration.trim());
    return "";
  });
  return [
    ...imports.map((line) => rewriteImports(line, root)),
    `import { defineSkill as __mcpxDefineSkill } from ${JSON.stringify(DEFINE_SKILL)};`,
    `import { z as __mcpxZ } from "zod";`,
    "export default __mcpxDefineSkill({",
    '  name: "execute_code",',
    "  args: __mcpxZ.object({}),",
    `  servers: ${JSON.stringify(servers)},`,
    "  permissions: {},",
    "  async run() {",
    rewriteImports(body, root),
    "  },",
    "});",
    "",
  ].join("\n");
}

/** Writes the wrapped snippet into `<root>/workspace/.mcpx-serve/`; returns its absolute path. */
export async function writeSnippet(
  code: string,
  root: string,
  servers: readonly string[],
): Promise<string> {
  const dir = join(root, "workspace", SNIPPET_DIR);
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `snippet_${crypto.randomUUID().replaceAll("-", "")}.ts`);
  await Deno.writeTextFile(path, wrapSnippet(code, root, servers), { createNew: true });
  return path;
}
