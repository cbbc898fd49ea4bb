/**
 * The zod schema of one `mcpServers` entry as written. Values that may hold `${env:VAR}` are
 * interpolated while parsing so that a missing variable is reported with its JSON path. Every
 * message is the part after `<path>: ` of a one-line error.
 *
 * @module
 */
import { z } from "zod";
import { McpxError } from "../errors.ts";
import { describeValue } from "./_describe.ts";
import { expected, positiveNumber, pushIssue } from "./_zod.ts";
import { interpolate, type Variables } from "./interpolate.ts";
import { SERVER_GOVERNANCE_KEYS } from "./policy_schema.ts";

/** Keys of a server entry that mcpx reads. */
export const SERVER_KEYS = [
  "type",
  "transportType",
  "command",
  "args",
  "env",
  "envFile",
  "cwd",
  "url",
  "headers",
  "disabled",
  "timeout",
  "normalize",
  "oauth",
  "auth",
  "keepAlive",
  "serialize",
  ...SERVER_GOVERNANCE_KEYS,
] as const;

/** Keys other MCP clients write into server entries; accepted and ignored without a warning. */
export const IGNORED_SERVER_KEYS = [
  "alwaysAllow",
  "autoApprove",
  "description",
] as const;

/** `type` values accepted in a server entry. */
const SERVER_TYPES = ["stdio", "sse", "http", "streamable-http", "streamableHttp"] as const;

/** For a scalar where a string belongs, the fix is to quote it. */
function quoteFix(issue: { input?: unknown }): string {
  const input = issue.input;
  const hint = typeof input === "number" || typeof input === "boolean"
    ? ` (quote it: "${String(input)}")`
    : "";
  return `expected a string, got ${describeValue(input)}${hint}`;
}

/** Marks an issue that only a missing variable or input caused: it fails that server alone. */
export const UNRESOLVED = "unresolved";

function interpolated(vars: Variables) {
  return z.string({ error: quoteFix }).transform((value, ctx) => {
    try {
      return interpolate(value, vars);
    } catch (error) {
      const message = error instanceof McpxError ? error.message : String(error);
      pushIssue(ctx, message, value, undefined, { [UNRESOLVED]: true });
      return z.NEVER;
    }
  });
}

function stringMap(vars: Variables, example: string) {
  return z.record(z.string(), interpolated(vars), {
    error: expected("an object of strings", `write ${example}`),
  });
}

const normalizeSchema = z.union([
  z.enum(["none", "camelCase", "pascal-prefix"]),
  z.strictObject({ map: z.record(z.string(), z.string()) }),
], {
  error: expected(`"none", "camelCase", "pascal-prefix" or { "map": { "from": "to" } }`),
});

function httpUrl(vars: Variables) {
  return interpolated(vars).transform((value, ctx) => {
    // A lenient parse only describes an unavailable server; its URL may hold a reference.
    if (vars.lenient) return value;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      pushIssue(
        ctx,
        `expected an http(s) URL, got ${
          describeValue(value)
        } (write e.g. "http://127.0.0.1:3000/mcp")`,
        value,
      );
      return z.NEVER;
    }
    return value;
  });
}

const typeSchema = z.enum(SERVER_TYPES, {
  error: (issue) => `unknown type ${JSON.stringify(issue.input)} (use "stdio", "sse" or "http")`,
});

/** Keys of an `oauth` object. */
const OAUTH_KEYS = ["clientId", "clientSecret", "scopes", "redirectPort"] as const;

function oauthSchema(vars: Variables) {
  return z.strictObject({
    clientId: interpolated(vars).refine((value) => value.trim() !== "", {
      error: 'must not be empty (write the client id the server registered, or remove "oauth")',
    }).optional(),
    clientSecret: interpolated(vars).optional(),
    scopes: z.array(z.string({ error: quoteFix }), {
      error: expected("an array of strings", 'write "scopes": ["read", "write"]'),
    }).optional(),
    redirectPort: z.int({ error: expected("a port number from 1 to 65535") }).min(1, {
      error: expected("a port number from 1 to 65535"),
    }).max(65535, { error: expected("a port number from 1 to 65535") }).optional(),
  }, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (use ${
          OAUTH_KEYS.join(", ")
        })`
        : expected("an object", 'write "oauth": { "clientId": "…" } or {} for registration')(issue),
  }).check((ctx) => {
    if (ctx.value.clientSecret !== undefined && ctx.value.clientId === undefined) {
      pushIssue(ctx, 'needs "clientId" (a secret belongs to a pre-registered client)', ctx.value, [
        "clientSecret",
      ]);
    }
  });
}

/** Builds the schema of one `mcpServers` entry, interpolating from `vars`. */
export function serverEntrySchema(vars: Variables) {
  return z.object({
    type: typeSchema.optional(),
    transportType: typeSchema.optional(),
    command: interpolated(vars).refine((value) => value.trim() !== "", {
      error: 'must not be empty (write "command": "<program>")',
    }).optional(),
    args: z.array(interpolated(vars), {
      error: expected("an array of strings", 'write "args": ["--flag", "value"]'),
    }).optional(),
    env: stringMap(vars, '"env": { "NAME": "value" }').optional(),
    envFile: interpolated(vars).optional(),
    cwd: interpolated(vars).optional(),
    url: httpUrl(vars).optional(),
    headers: stringMap(vars, '"headers": { "Authorization": "Bearer ${env:TOKEN}" }').optional(),
    disabled: z.boolean({ error: expected("true or false") }).optional(),
    timeout: positiveNumber("seconds").optional(),
    normalize: normalizeSchema.optional(),
    keepAlive: z.number({ error: expected("a number of idle seconds (0 = close after each use)") })
      .min(0, { error: "must be 0 or a positive number of seconds" }).optional(),
    serialize: z.boolean({ error: expected("true or false") }).optional(),
    oauth: oauthSchema(vars).optional(),
    auth: z.literal("oauth", {
      error: (issue) => `expected "oauth", got ${describeValue(issue.input)} (or remove "auth")`,
    }).optional(),
  }, { error: expected("an object", 'write "<name>": { "command": "<program>" }') })
    .check((ctx) => {
      // A field that already failed (an unset variable in "url") says nothing about the shape.
      if (ctx.issues.length > 0) return;
      const entry = ctx.value;
      const type = entry.type ?? entry.transportType;
      const stdio = type === "stdio" || (type === undefined && entry.url === undefined);
      if (type === undefined && entry.command !== undefined && entry.url !== undefined) {
        pushIssue(
          ctx,
          'has both "command" and "url" (keep "command" for a stdio server or "url" for an HTTP server)',
          entry,
        );
      } else if (stdio && entry.command === undefined) {
        const fix = type === undefined ? ' or a "url"' : "";
        pushIssue(
          ctx,
          `required for a stdio server (add "command": "<program>"${fix})`,
          entry,
          ["command"],
        );
      } else if (stdio && entry.url !== undefined) {
        pushIssue(ctx, 'not used by a stdio server (remove it, or set "type": "http")', entry, [
          "url",
        ]);
      } else if (!stdio && entry.url === undefined) {
        pushIssue(
          ctx,
          `required for an HTTP server (add "url": "http://…", or use "command" for stdio)`,
          entry,
          ["url"],
        );
      } else if (stdio && (entry.oauth !== undefined || entry.auth !== undefined)) {
        pushIssue(
          ctx,
          'OAuth is for HTTP servers (remove it, or give a "url" instead of "command")',
          entry,
          [entry.oauth !== undefined ? "oauth" : "auth"],
        );
      } else if (!stdio && entry.command !== undefined) {
        pushIssue(
          ctx,
          `not used by an HTTP server (remove it, or set "type": "stdio")`,
          entry,
          ["command"],
        );
      }
    });
}

/** A validated server entry as written (interpolated, no defaults yet). */
export type ServerEntry = z.output<ReturnType<typeof serverEntrySchema>>;
