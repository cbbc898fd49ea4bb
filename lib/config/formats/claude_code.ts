/**
 * Claude Code: a project's `.mcp.json` (`mcpServers`, with `${VAR}` and `${VAR:-default}`), and
 * `~/.claude.json`, whose top-level `mcpServers` are the user's and whose
 * `projects["<absolute project path>"].mcpServers` are private to one project.
 * Source: https://docs.claude.com/en/docs/claude-code/mcp
 *
 * @module
 */
import { join } from "node:path";
import { type ConfigFormat, endsWith, objectOf, translateMap } from "./_format.ts";

/** Claude Code. */
export const claudeCode: ConfigFormat = {
  id: "claude-code",
  client: "Claude Code",
  docs: ["https://docs.claude.com/en/docs/claude-code/mcp"],
  syntax: "json",
  locations: ({ cwd, home }) => [
    { path: join(cwd, ".mcp.json"), scope: "project" },
    { path: join(home, ".claude.json"), scope: "user" },
  ],
  detect: (path, raw) =>
    endsWith(path, ".mcp.json") || endsWith(path, ".claude.json")
      ? 3
      : objectOf(objectOf(raw)?.projects) !== undefined
      ? 2
      : 0,
  translate: (raw, { path, project, home }) => {
    const file = objectOf(raw);
    // Project-scoped entries of ~/.claude.json come first: Claude Code prefers them by name.
    const projects = objectOf(file?.projects);
    const local = objectOf(projects?.[project]);
    const servers = [
      ...translateMap(local?.mcpServers, ["projects", project, "mcpServers"]),
      ...translateMap(file?.mcpServers, ["mcpServers"]),
    ];
    // ~/.claude.json serves every project: its servers run in the current one.
    return { servers, ...(path === join(home, ".claude.json") ? { root: project } : {}) };
  },
};
