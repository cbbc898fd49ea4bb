/**
 * The zod schema of a whole `mcp_config.json` as written (before defaults).
 *
 * @module
 */
import { z } from "zod";
import { type Env, expected, pushIssue } from "./_zod.ts";
import { sandboxSchema } from "./sandbox_schema.ts";
import { serverEntrySchema } from "./server_schema.ts";

/** Top-level keys; `$schema` is allowed for editors. */
export const TOP_LEVEL_KEYS = ["mcpServers", "sandbox", "$schema"] as const;

/** Builds the schema of the whole file, interpolating from `env`. */
export function configFileSchema(env: Env) {
  return z.object({
    mcpServers: z.record(z.string(), serverEntrySchema(env), {
      error: expected(
        "an object mapping server names to entries",
        'write "mcpServers": { "<name>": { "command": "<program>" } }',
      ),
    }).optional(),
    sandbox: sandboxSchema.optional(),
  }, { error: expected("a JSON object", 'write { "mcpServers": { … } }') })
    .check((ctx) => {
      for (const name of Object.keys(ctx.value.mcpServers ?? {})) {
        if (name.trim() === "") {
          pushIssue(ctx, 'server name is empty (use a name like "git")', name, [
            "mcpServers",
            name,
          ]);
          // deno-lint-ignore no-control-regex -- control characters are what this rejects
        } else if (/[/\\\x00-\x1f]/.test(name) || name.startsWith(".")) {
          pushIssue(
            ctx,
            "server name must not contain slashes or control characters or start with a dot " +
              "(it names a folder under servers/; rename it)",
            name,
            ["mcpServers", name],
          );
        }
      }
    });
}

/** A validated file as written. */
export type ConfigFile = z.output<ReturnType<typeof configFileSchema>>;
