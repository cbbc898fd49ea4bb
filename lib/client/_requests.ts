/**
 * The non-tool requests of `McpClientManager` (resources, prompts, ping): paging through list
 * results, checking prompt arguments before the server sees them, and turning failures into
 * mcpx errors that say what to run next.
 *
 * @module
 */
import { ClientError, type McpxError, ToolError } from "../errors.ts";
import type { ServerConfig } from "../config/types.ts";
import { callError } from "./_call_errors.ts";
import type { Connection } from "./_connection.ts";
import { McpError } from "./_sdk.ts";
import { nearestName } from "./_suggest.ts";
import type { PromptInfo } from "./resource_types.ts";

/** What each request is called in messages, and what to run to see what the server offers. */
const HINTS = {
  "resources/list": (server: string) => `Run "mcpx servers --status" to check "${server}".`,
  "resources/templates/list": (server: string) =>
    `Run "mcpx servers --status" to check "${server}".`,
  "resources/read": (server: string) => `Run "mcpx resources ${server}" to list its resources.`,
  "prompts/list": (server: string) => `Run "mcpx servers --status" to check "${server}".`,
  "prompts/get": (server: string) => `Run "mcpx prompts ${server}" to list its prompts.`,
  "ping": (server: string) => `Check that "${server}" is healthy, or raise --timeout-ms.`,
} as const;

/** A request kind of {@linkcode requestError}. */
export type RequestKind = keyof typeof HINTS;

/** Collects every page of a paginated list request. */
export async function allPages<T>(
  list: (cursor: string | undefined) => Promise<{ nextCursor?: string | undefined }>,
  key: string,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await list(cursor) as { nextCursor?: string } & Record<string, unknown>;
    const chunk = page[key];
    if (Array.isArray(chunk)) items.push(...chunk as T[]);
    cursor = page.nextCursor;
    // A server that repeats a cursor would otherwise keep us here forever.
    if (cursor !== undefined && seen.has(cursor)) break;
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
  return items;
}

/** The server's own words, without the SDK's repeated `MCP error -32602:` prefixes. */
function serverText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^(MCP error -?\d+: )+/, "");
}

/** Converts a failure of a resource, prompt or ping request into an mcpx error. */
export function requestError(
  error: unknown,
  failure: {
    readonly config: ServerConfig;
    readonly connection: Connection;
    readonly kind: RequestKind;
    readonly subject: string;
    readonly timeoutMs: number;
    readonly aborted: boolean;
  },
): McpxError {
  const { config, kind, subject } = failure;
  const mapped = callError(error, {
    config,
    connection: failure.connection,
    tool: subject === "" ? kind : `${kind} ${subject}`,
    timeoutMs: failure.timeoutMs,
    aborted: failure.aborted,
    timedOut: false,
  });
  const serverSaid = mapped instanceof ToolError ||
    (mapped.code === "INVALID_ARGUMENTS" && error instanceof McpError);
  if (!serverSaid) return mapped;
  return new ClientError(
    "REQUEST_FAILED",
    `Server "${config.name}" failed ${kind}${subject === "" ? "" : ` for "${subject}"`}: ` +
      `${serverText(error)}. ${HINTS[kind](config.name)}`,
    {
      cause: error,
      data: {
        server: config.name,
        request: kind,
        subject,
        ...(error instanceof McpError ? { mcpCode: error.code } : {}),
      },
    },
  );
}

/** Throws `NOT_SUPPORTED` unless the server announced `capability` when it connected. */
export function requireCapability(
  config: ServerConfig,
  connection: Connection,
  capability: "resources" | "prompts",
): void {
  const capabilities = connection.client.getServerCapabilities() ?? {};
  if (capabilities[capability] !== undefined) return;
  const offered = Object.keys(capabilities).filter((k) => k !== "experimental");
  throw new ClientError(
    "NOT_SUPPORTED",
    `Server "${config.name}" offers no ${capability} (it announced: ` +
      `${offered.join(", ") || "nothing"}); use its tools instead ("mcpx tools ${config.name}").`,
    { data: { server: config.name, capability, capabilities: offered } },
  );
}

/** Whether the server announced `capability`. */
export function hasCapability(connection: Connection, capability: "resources" | "prompts") {
  return connection.client.getServerCapabilities()?.[capability] !== undefined;
}

/**
 * Checks `args` against the prompt `name` as listed: the prompt must exist (`UNKNOWN_PROMPT`,
 * with a suggestion) and every required argument must be given (`INVALID_ARGUMENTS`, naming all
 * missing ones). Returns the arguments as strings, as `prompts/get` requires.
 */
export function checkPromptArguments(
  server: string,
  name: string,
  args: Readonly<Record<string, unknown>>,
  prompts: readonly PromptInfo[],
): Record<string, string> {
  const prompt = prompts.find((p) => p.name === name);
  if (prompt === undefined) {
    const names = prompts.map((p) => p.name);
    const near = nearestName(name, names);
    throw new ClientError(
      "UNKNOWN_PROMPT",
      `Server "${server}" has no prompt "${name}"${near ? `; did you mean "${near}"?` : ""} ` +
        `Its prompts: ${names.join(", ") || "none"}.`,
      { data: { server, prompt: name, prompts: names, ...(near ? { suggestion: near } : {}) } },
    );
  }
  const declared = prompt.arguments ?? [];
  const missing = declared.filter((a) => a.required === true && args[a.name] === undefined)
    .map((a) => a.name);
  if (missing.length > 0) {
    const optional = declared.filter((a) => a.required !== true).map((a) => a.name);
    throw new ClientError(
      "INVALID_ARGUMENTS",
      `Prompt "${name}" of server "${server}" is missing required argument` +
        `${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; pass ` +
        `${missing.map((m) => `${m}=…`).join(" ")}` +
        (optional.length > 0 ? ` (optional: ${optional.join(", ")})` : "") + ".",
      { data: { server, prompt: name, missing, optional } },
    );
  }
  return Object.fromEntries(
    Object.entries(args).map((
      [key, value],
    ) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}
