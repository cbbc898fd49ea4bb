/**
 * VS Code's `.vscode/mcp.json` (and the user profile's `mcp.json`): `servers` (not
 * `mcpServers`) with `type` `stdio`/`http`/`sse`, `command`/`args`/`env`/`envFile` or
 * `url`/`headers`; `inputs` of type `promptString` referenced as `${input:id}`; and
 * `${workspaceFolder}`, `${userHome}`, `${env:NAME}` in values.
 * Sources: https://code.visualstudio.com/docs/copilot/customization/mcp-servers and
 * https://code.visualstudio.com/docs/reference/mcp-configuration
 *
 * @module
 */
import { join } from "node:path";
import { editorWorkspace } from "./_editor.ts";
import { type ConfigFormat, endsWith, type InputSpec, objectOf, translateMap } from "./_format.ts";

function inputsOf(value: unknown): InputSpec[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const input = objectOf(item);
    if (typeof input?.id !== "string") return [];
    return [{
      id: input.id,
      description: typeof input.description === "string" ? input.description : input.id,
      password: input.password === true,
    }];
  });
}

/** VS Code. */
export const vscode: ConfigFormat = {
  id: "vscode",
  client: "VS Code",
  docs: [
    "https://code.visualstudio.com/docs/copilot/customization/mcp-servers",
    "https://code.visualstudio.com/docs/reference/mcp-configuration",
  ],
  syntax: "json",
  locations: ({ cwd, home, env }) => [
    { path: join(cwd, ".vscode", "mcp.json"), scope: "project" },
    {
      path: join(env.XDG_CONFIG_HOME || join(home, ".config"), "Code", "User", "mcp.json"),
      scope: "user",
    },
    {
      path: join(home, "Library", "Application Support", "Code", "User", "mcp.json"),
      scope: "user",
    },
  ],
  detect: (path, raw) => {
    if (endsWith(path, ".vscode", "mcp.json") || endsWith(path, "User", "mcp.json")) return 3;
    const file = objectOf(raw);
    return file?.servers !== undefined && file.mcpServers === undefined ? 2 : 0;
  },
  translate: (raw, { path, project, home }) => {
    const file = objectOf(raw);
    return {
      servers: translateMap(file?.servers, ["servers"]),
      inputs: inputsOf(file?.inputs),
      ...editorWorkspace(path, { folder: ".vscode", project, home }),
    };
  },
};
