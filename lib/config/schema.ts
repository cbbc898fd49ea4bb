/**
 * The zod schema of a whole `mcp_config.json` as written (before defaults).
 *
 * @module
 */
import { z } from "zod";
import { type Env, expected, pushIssue } from "./_zod.ts";
import { sandboxSchema } from "./sandbox_schema.ts";
import { serverEntrySchema } from "./server_schema.ts";
import { serveSchema } from "./serve_schema.ts";
import { daemonSchema } from "./daemon_schema.ts";

/** Top-level keys; `$schema` is allowed for editors. */
export const TOP_LEVEL_KEYS = ["mcpServers", "sandbox", "serve", "daemon", "$schema"] as const;

/** What is wrong with a server name, if anything. */
function serverNameProblem(name: string): string | undefined {
  if (name.trim() === "") return 'server name is empty (use a name like "git")';
  // deno-lint-ignore no-control-regex -- control characters are what this rejects
  if (/[/\\\x00-\x1f]/.test(name) || name.startsWith(".") || name === "__proto__") {
    return "server name must not contain slashes or control characters, start with a dot or be " +
      '"__proto__" (it names a folder under servers/; rename it)';
  }
  return undefined;
}

/** Builds the schema of the whole file, interpolating from `env`. */
export function configFileSchema(env: Env) {
  const servers = z.record(z.string(), serverEntrySchema(env), {
    error: expected(
      "an object mapping server names to entries",
      'write "mcpServers": { "<name>": { "command": "<program>" } }',
    ),
  });
  return z.object({
    // Names are checked on the raw object: zod's record drops a "__proto__" key silently.
    mcpServers: z.preprocess((value, ctx) => {
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        for (const name of Object.keys(value)) {
          const problem = serverNameProblem(name);
          if (problem !== undefined) pushIssue(ctx, problem, name, [name]);
        }
      }
      return value;
    }, servers).optional(),
    sandbox: sandboxSchema.optional(),
    serve: serveSchema.optional(),
    daemon: daemonSchema.optional(),
  }, { error: expected("a JSON object", 'write { "mcpServers": { … } }') });
}

/** A validated file as written. */
export type ConfigFile = z.output<ReturnType<typeof configFileSchema>>;
