/**
 * The governance keys of `mcp_config.json`: top-level `policies`, `audit` and `telemetry`, and
 * per server `policies`, `allowedTools` and `disabledTools` (the keys other MCP clients already
 * write). Validated from the raw file on their own so the rest of the config schema stays as it
 * is; errors are the same one line `<file>: <json path>: <problem> (<fix>)`.
 *
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { formatJsonPath } from "./_describe.ts";
import { expected } from "./_zod.ts";

/** Top-level keys read here. */
export const GOVERNANCE_KEYS = ["policies", "audit", "telemetry"] as const;
/** Server-entry keys read here. */
export const SERVER_GOVERNANCE_KEYS = ["policies", "allowedTools", "disabledTools"] as const;

/** What a rule decides for the tools it matches. `block-private-urls` allows a call unless one
 * of its arguments is a URL naming a loopback, private or link-local address
 * (`lib/checkpoint/deputy.ts`). */
export type PolicyDecision = "allow" | "block-private-urls" | "approve" | "block";

/** One rule: a `server.tool` glob (`*` matches any run of characters) and its decision. */
export interface PolicyRule {
  /** The glob over `server.tool`, e.g. `filesystem.write_*` or `*.delete_*`. */
  readonly pattern: string;
  /** What the rule decides. */
  readonly decision: PolicyDecision;
  /** Where the rule was written, for messages: `policy "*.delete_*"` or
   * `mcpServers.memory.disabledTools`. */
  readonly source: string;
}

/** How tool arguments appear in the audit log. */
export type AuditArguments = "digest" | "redacted" | "full";

/** The `audit` section after defaults. */
export interface AuditConfig {
  /** Whether calls are logged. @default true */
  readonly enabled: boolean;
  /** `digest` (sha-256 of the arguments), `redacted` (keys and value types) or `full`.
   * @default "digest" */
  readonly arguments: AuditArguments;
  /** The log file; `undefined` means `$XDG_STATE_HOME/mcpx/audit.jsonl`. */
  readonly path: string | undefined;
  /** Size at which the file is rotated, in bytes. @default 10 MiB */
  readonly maxBytes: number;
  /** Rotated files kept (`audit.jsonl.1` …). @default 3 */
  readonly keep: number;
}

/** The `telemetry` section after defaults. */
export interface TelemetryConfig {
  /** `true` exports spans even without `OTEL_EXPORTER_OTLP_ENDPOINT`; `false` never does.
   * `undefined` follows the environment. */
  readonly enabled: boolean | undefined;
  /** OTLP/HTTP traces endpoint (`…/v1/traces`); the environment variables win over it. */
  readonly endpoint: string | undefined;
  /** `service.name` of the spans. @default "mcpx" */
  readonly serviceName: string;
}

/** Everything the checkpoint reads from the config. */
export interface GovernanceConfig {
  /** The config file as shown in messages (`mcp_config.json`). */
  readonly file: string;
  /** Every rule, from `policies` and from each server's `policies` and `disabledTools`. */
  readonly rules: readonly PolicyRule[];
  /** Per server, the `allowedTools` globs: a tool matching none of them is blocked. */
  readonly allowedTools: Readonly<Record<string, readonly string[]>>;
  /** The `audit` section. */
  readonly audit: AuditConfig;
  /** The `telemetry` section. */
  readonly telemetry: TelemetryConfig;
}

const decision = z.enum(["allow", "block-private-urls", "approve", "block"], {
  error: (issue) =>
    `unknown decision ${
      JSON.stringify(issue.input)
    } (use "allow", "approve", "block" or "block-private-urls")`,
});
const rules = z.record(z.string(), decision, {
  error: expected("an object of glob: decision", 'write "policies": { "*.delete_*": "block" }'),
});
const globs = z.array(z.string({ error: expected("a tool name or glob") }), {
  error: expected('a list of tool names, e.g. ["read_file", "list_*"]'),
});

const governanceSchema = z.object({
  policies: rules.optional(),
  audit: z.strictObject({
    enabled: z.boolean({ error: expected("true or false") }).optional(),
    arguments: z.enum(["digest", "redacted", "full"], {
      error: (issue) =>
        `unknown mode ${JSON.stringify(issue.input)} (use "digest", "redacted" or "full")`,
    }).optional(),
    path: z.string({ error: expected("a file path") }).optional(),
    max_bytes: z.number({ error: expected("a positive number of bytes") }).int().positive()
      .optional(),
    keep: z.number({ error: expected("a number of files") }).int().min(0).optional(),
  }, { error: expected("an object", 'write "audit": { "arguments": "digest" }') }).optional(),
  telemetry: z.strictObject({
    enabled: z.boolean({ error: expected("true or false") }).optional(),
    endpoint: z.url({ error: expected('an http(s) URL like "http://127.0.0.1:4318/v1/traces"') })
      .optional(),
    service_name: z.string({ error: expected("a name") }).optional(),
  }, { error: expected("an object", 'write "telemetry": { "enabled": true }') }).optional(),
  mcpServers: z.record(
    z.string(),
    z.looseObject({
      policies: rules.optional(),
      allowedTools: globs.optional(),
      disabledTools: globs.optional(),
    }),
  ).optional(),
});

/**
 * Reads the governance keys of a raw (already structurally valid) config file. Server-level
 * `policies` keys are tool globs (`"write_*"`), made into `server.tool` rules; a relative
 * `audit.path` is resolved against `root` (the config file's folder).
 *
 * @throws {ConfigError} `CONFIG_INVALID` naming the file and the JSON path.
 *
 * @example
 * ```ts
 * import { resolveGovernance } from "./policy_schema.ts";
 * const g = resolveGovernance({ policies: { "*.delete_*": "block" } }, "mcp_config.json");
 * console.assert(g.rules[0]?.decision === "block" && g.audit.arguments === "digest");
 * ```
 */
export function resolveGovernance(raw: unknown, file: string, root = "/"): GovernanceConfig {
  const result = governanceSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) =>
      `${file}: ${formatJsonPath(issue.path)}: ${issue.message}`
    );
    const more = lines.length > 1 ? ` [and ${lines.length - 1} more problem(s)]` : "";
    throw new ConfigError("CONFIG_INVALID", `${lines[0]}${more}`, {
      cause: result.error,
      data: { issues: lines },
    });
  }
  const data = result.data;
  const all: PolicyRule[] = Object.entries(data.policies ?? {}).map(([pattern, decision]) => ({
    pattern,
    decision,
    source: `policy ${JSON.stringify(pattern)}`,
  }));
  const allowedTools: Record<string, readonly string[]> = {};
  for (const [server, entry] of Object.entries(data.mcpServers ?? {})) {
    for (const [tool, decision] of Object.entries(entry.policies ?? {})) {
      const source = `policy ${JSON.stringify(tool)} of mcpServers.${server}`;
      all.push({ pattern: `${server}.${tool}`, decision, source });
    }
    for (const tool of entry.disabledTools ?? []) {
      const source = `mcpServers.${server}.disabledTools`;
      all.push({ pattern: `${server}.${tool}`, decision: "block", source });
    }
    if (entry.allowedTools !== undefined) allowedTools[server] = entry.allowedTools;
  }
  const audit = data.audit ?? {};
  const telemetry = data.telemetry ?? {};
  return {
    file,
    rules: all,
    allowedTools,
    audit: {
      enabled: audit.enabled ?? true,
      arguments: audit.arguments ?? "digest",
      path: audit.path === undefined ? undefined : resolve(root, audit.path),
      maxBytes: audit.max_bytes ?? 10 * 1024 * 1024,
      keep: audit.keep ?? 3,
    },
    telemetry: {
      enabled: telemetry.enabled,
      endpoint: telemetry.endpoint,
      serviceName: telemetry.service_name ?? "mcpx",
    },
  };
}
