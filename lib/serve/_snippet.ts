/**
 * `execute_code` snippets: written to a private file under the workspace, with relative import
 * specifiers rewritten so that they resolve against the project root (`./servers/…` works as the
 * docs say), then run as a plain script and removed.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The folder under the workspace holding snippets while they run. */
export const SNIPPET_DIR = ".mcpx-serve";

const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"'\n]*)\2/g;

/** Rewrites `./x` and `../x` module specifiers into `file:` URLs resolved against `root`. */
export function rewriteImports(code: string, root: string): string {
  return code.replace(RELATIVE_SPECIFIER, (_all, lead: string, quote: string, spec: string) => {
    const url = pathToFileURL(resolve(root, spec)).href;
    return `${lead}${quote}${url}${quote}`;
  });
}

/** Writes the snippet into `<root>/workspace/.mcpx-serve/` and returns its absolute path. */
export async function writeSnippet(code: string, root: string): Promise<string> {
  const dir = join(root, "workspace", SNIPPET_DIR);
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `snippet_${crypto.randomUUID().replaceAll("-", "")}.ts`);
  await Deno.writeTextFile(path, rewriteImports(code, root), { createNew: true });
  return path;
}
