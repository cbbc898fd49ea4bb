/**
 * Runs `execute_code` snippets. A snippet is never pasted into other source: it is written
 * verbatim as a plain module into a fresh directory with an unguessable name (mode 0711: not
 * listable; outside the workspace and every grant, so no run can write it; one per run, removed
 * afterwards) and run as a plain script under the
 * harness-owned bootstrap. Its grant is fixed by the harness (the workspace, the bridge, the
 * servers the caller named); nothing in its text is read for a manifest. Relative imports
 * resolve against the project root through a per-run import map scoped to the private
 * directory, so `./servers/everything/index.ts` works as documented.
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ExecOptions, type ExecResult, execSkill, runConfigPath } from "./exec.ts";

/** The import map of a snippet run: the project's imports, plus `./` of the snippet's folder
 * mapped onto the project root for modules inside that folder (the snippet itself). */
export async function snippetImportMap(
  dir: string,
  root: string,
  configPath: string | undefined,
): Promise<Record<string, unknown>> {
  const imports: Record<string, string> = {};
  const scopes: Record<string, Record<string, string>> = {};
  if (configPath !== undefined) {
    const config = JSON.parse(await Deno.readTextFile(configPath)) as {
      imports?: Record<string, string>;
      scopes?: Record<string, Record<string, string>>;
    };
    const base = pathToFileURL(configPath);
    const absolute = (target: string) =>
      /^\.{0,2}\//.test(target) ? new URL(target, base).href : target;
    for (const [key, target] of Object.entries(config.imports ?? {})) {
      imports[key] = absolute(target);
    }
    for (const [scope, map] of Object.entries(config.scopes ?? {})) {
      scopes[new URL(scope, base).href] = Object.fromEntries(
        Object.entries(map).map(([key, target]) => [key, absolute(target)]),
      );
    }
  }
  const folder = `${pathToFileURL(dir).href}/`;
  scopes[folder] = { ...scopes[folder], [folder]: `${pathToFileURL(root).href}/` };
  return { imports, scopes };
}

/**
 * Runs `code` as a plain module with the harness's fixed grant and `options.servers`. The
 * private directory is removed when the run ends, however it ends.
 */
export async function execSnippet(code: string, options: ExecOptions): Promise<ExecResult> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-snippet-" });
  try {
    // Traversable but not listable (0711), files read-only (0444): the strict tier runs the
    // snippet as another uid, which must read it; the folder's random name is the privacy, and
    // no run can write here (it is outside the workspace and every grant).
    await Deno.chmod(dir, 0o711);
    const file = join(dir, "snippet.ts");
    await Deno.writeTextFile(file, code, { createNew: true, mode: 0o444 });
    const root = options.config.root;
    const configPath = runConfigPath(root);
    const importMap = join(dir, "import_map.json");
    const map = await snippetImportMap(dir, await Deno.realPath(root), configPath);
    await Deno.writeTextFile(importMap, JSON.stringify(map), { createNew: true, mode: 0o444 });
    return await execSkill(file, [], { ...options, snippet: { importMap } });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => undefined);
  }
}
