/**
 * Cursor's `mcp.json` (`~/.cursor/mcp.json`, `<project>/.cursor/mcp.json`): `mcpServers` with
 * `command`/`args`/`env`/`envFile` or `url`/`headers`, and `${env:NAME}`, `${userHome}`,
 * `${workspaceFolder}`, `${workspaceFolderBasename}`, `${pathSeparator}` / `${/}` in values.
 * Source: https://cursor.com/docs/context/mcp
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { type ConfigFormat, endsWith, objectOf, translateMap } from "./_format.ts";

/**
 * The project folder of a file in `<project>/.cursor/` or `<project>/.vscode/`; `fallback` (the
 * current project) for the user's own file in `~/.cursor/`.
 */
export function workspaceOf(path: string, folder: string, fallback: string, home: string): string {
  const parent = dirname(path);
  return basename(parent) === folder && dirname(parent) !== home ? dirname(parent) : fallback;
}

/** Cursor. */
export const cursor: ConfigFormat = {
  id: "cursor",
  client: "Cursor",
  docs: ["https://cursor.com/docs/context/mcp"],
  syntax: "json",
  locations: ({ cwd, home }) => [
    { path: join(cwd, ".cursor", "mcp.json"), scope: "project" },
    { path: join(home, ".cursor", "mcp.json"), scope: "user" },
  ],
  detect: (path) => endsWith(path, ".cursor", "mcp.json") ? 3 : 0,
  translate: (raw, { path, project, home }) => {
    const workspace = workspaceOf(path, ".cursor", project, home);
    return {
      servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"]),
      root: workspace,
      named: {
        userHome: home,
        workspaceFolder: workspace,
        workspaceFolderBasename: basename(workspace),
        pathSeparator: "/",
      },
    };
  },
};
