/**
 * Cursor's `mcp.json` (`~/.cursor/mcp.json`, `<project>/.cursor/mcp.json`): `mcpServers` with
 * `command`/`args`/`env`/`envFile` or `url`/`headers`, and `${env:NAME}`, `${userHome}`,
 * `${workspaceFolder}`, `${workspaceFolderBasename}`, `${pathSeparator}` / `${/}` in values.
 * Source: https://cursor.com/docs/context/mcp
 *
 * @module
 */
import { join } from "node:path";
import { editorWorkspace } from "./_editor.ts";
import { type ConfigFormat, endsWith, objectOf, translateMap } from "./_format.ts";

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
  translate: (raw, { path, project, home }) => ({
    servers: translateMap(objectOf(raw)?.mcpServers, ["mcpServers"]),
    ...editorWorkspace(path, { folder: ".cursor", project, home }),
  }),
};
