/**
 * The zod schema of a whole `mcp_config.json` as written (before defaults). Server entries are
 * only checked to be a map here: each is validated on its own (see `servers.ts`), so that one
 * server's unset variable fails that server alone.
 *
 * @module
 */
import { z } from "zod";
import { expected, pushIssue } from "./_zod.ts";
import { GOVERNANCE_KEYS } from "./policy_schema.ts";
import { sandboxSchema } from "./sandbox_schema.ts";
import { serveSchema } from "./serve_schema.ts";
import { privacySchema } from "./privacy_schema.ts";
import { daemonSchema } from "./daemon_schema.ts";

/** Top-level keys; `$schema` is allowed for editors; `imports` names clients read live. */
export const TOP_LEVEL_KEYS = [
  "mcpServers",
  "sandbox",
  "serve",
  "daemon",
  "imports",
  "privacy",
  "$schema",
  ...GOVERNANCE_KEYS,
] as const;

/** What is wrong with a server name, if anything. */
export function serverNameProblem(name: string): string | undefined {
  if (name.trim() === "") return 'server name is empty (use a name like "git")';
  // deno-lint-ignore no-control-regex -- control characters are what this rejects
  if (/[/\\\x00-\x1f]/.test(name) || name.startsWith(".") || name === "__proto__") {
    return "server name must not contain slashes or control characters, start with a dot or be " +
      '"__proto__" (it names a folder under servers/; rename it)';
  }
  return undefined;
}

/** A map of server names to entries that are validated one by one later. */
export function serverMapSchema(example: string) {
  const map = z.record(z.string(), z.unknown(), {
    error: expected("an object mapping server names to entries", example),
  });
  // Names are checked on the raw object: zod's record drops a "__proto__" key silently.
  return z.preprocess((value, ctx) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const name of Object.keys(value)) {
        const problem = serverNameProblem(name);
        if (problem !== undefined) pushIssue(ctx, problem, name, [name]);
      }
    }
    return value;
  }, map);
}

/** The schema of the whole file; `clients` are the format ids `imports` may name. */
export function configFileSchema(clients: readonly string[]) {
  return z.object({
    mcpServers: serverMapSchema('write "mcpServers": { "<name>": { "command": "<program>" } }')
      .optional(),
    sandbox: sandboxSchema.optional(),
    serve: serveSchema.optional(),
    daemon: daemonSchema.optional(),
    imports: z.array(
      z.string().refine((id) => clients.includes(id), {
        error: (issue) =>
          `unknown client ${JSON.stringify(issue.input)} (use one of: ${clients.join(", ")})`,
      }),
      { error: expected("an array of client names", 'write "imports": ["cursor"]') },
    ).optional(),
    privacy: privacySchema.optional(),
  }, { error: expected("a JSON object", 'write { "mcpServers": { … } }') });
}

/** A validated file as written. */
export type ConfigFile = z.output<ReturnType<typeof configFileSchema>>;
