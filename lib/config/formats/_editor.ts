/**
 * What Cursor and VS Code share: a project file lives in `<project>/.cursor/` or
 * `<project>/.vscode/`, and values may name the editor's variables `${userHome}`,
 * `${workspaceFolder}`, `${workspaceFolderBasename}` and `${pathSeparator}`.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import type { Translation } from "./_format.ts";

/**
 * The workspace of an editor's config file (its project folder for a file in
 * `<project>/<folder>/`, else the current project, for the user's own file under `home`) and the
 * values of the editor's variables there.
 *
 * @example
 * ```ts
 * import { editorWorkspace } from "./_editor.ts";
 * const { root, named } = editorWorkspace("/p/.cursor/mcp.json", {
 *   folder: ".cursor",
 *   project: "/elsewhere",
 *   home: "/home/me",
 * });
 * console.assert(root === "/p" && named.workspaceFolderBasename === "p");
 * ```
 */
export function editorWorkspace(
  path: string,
  where: { folder: string; project: string; home: string },
): Required<Pick<Translation, "root" | "named">> {
  const parent = dirname(path);
  const workspace = basename(parent) === where.folder && dirname(parent) !== where.home
    ? dirname(parent)
    : where.project;
  return {
    root: workspace,
    named: {
      userHome: where.home,
      workspaceFolder: workspace,
      workspaceFolderBasename: basename(workspace),
      pathSeparator: "/",
    },
  };
}
