/**
 * The text of `servers/_runtime.ts`, the one module every generated wrapper imports. It depends
 * on nothing but the global `Symbol.for("mcpx.toolCaller")` slot, so generated wrappers run the
 * same in-process (after `McpClientManager.install()`) and inside a sandbox (the bridge guest
 * installs itself there), and can be copied to another project unchanged.
 *
 * @module
 */
import { GENERATED_HEADER } from "./render_tool.ts";

/** Source of `servers/_runtime.ts`. */
export const RUNTIME_SOURCE = `${GENERATED_HEADER}
/**
 * What generated wrappers call: validates a wrapper's input, then sends the call through the
 * tool caller mcpx installed under \`Symbol.for("mcpx.toolCaller")\` (the bridge guest in a
 * sandbox, or \`McpClientManager.install()\` in-process). No other dependency.
 *
 * @module
 */

/** Per-call options every wrapper accepts. */
export interface CallOptions {
  /** Give up after this many milliseconds (default: the server's timeout from the config). */
  timeoutMs?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** Anything with zod's \`safeParse\` (generated wrappers pass zod schemas). */
export interface InputValidator {
  /** Checks \`input\`; on failure, \`error.issues\` name each offending field by its path. */
  safeParse(input: unknown):
    | { success: true }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** A resource as a server lists it. */
export interface ResourceListing {
  /** Its URI, the key for \`readResource\`. */
  readonly uri: string;
  /** Its name. */
  readonly name: string;
  /** Its MIME type, when known. */
  readonly mimeType?: string;
  /** What it holds. */
  readonly description?: string;
  /** Any other field the server sent. */
  readonly [key: string]: unknown;
}

/** What reading a resource returns: its content items (\`text\`, or \`blob\` in base64). */
export interface ReadResourceResult {
  /** The items read, in order. */
  readonly contents: readonly {
    readonly uri: string;
    readonly mimeType?: string;
    readonly text?: string;
    readonly blob?: string;
  }[];
}

interface InstalledCaller {
  callTool(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<{ value: unknown }>;
  listResources?(server: string): Promise<readonly ResourceListing[]>;
  readResource?(server: string, uri: string, options?: CallOptions): Promise<ReadResourceResult>;
}

/** A wrapper's input did not match the tool's input schema; nothing was sent to the server. */
export class WrapperInputError extends Error {
  /** Stable code, the same as mcpx's own \`INVALID_ARGUMENTS\`. */
  readonly code = "INVALID_ARGUMENTS";
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "WrapperInputError";
  }
}

/** No tool caller is installed in this process. */
export class NoToolCallerError extends Error {
  /** Stable code, the same as mcpx's own \`BRIDGE_ERROR\`. */
  readonly code = "BRIDGE_ERROR";
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "NoToolCallerError";
  }
}

function installedCaller(): InstalledCaller {
  const caller = (globalThis as Record<symbol, unknown>)[Symbol.for("mcpx.toolCaller")];
  if (typeof caller !== "object" || caller === null || !("callTool" in caller)) {
    throw new NoToolCallerError(
      "No MCP tool caller is installed: run this code with \`mcpx exec\`, or call " +
        "\`McpClientManager.install()\` first when using the wrappers in-process.",
    );
  }
  return caller as InstalledCaller;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) =>
      typeof key === "number"
        ? \`\${acc}[\${key}]\`
        : /^[A-Za-z_$][\\w$]*$/.test(String(key))
        ? \`\${acc}.\${String(key)}\`
        : \`\${acc}[\${JSON.stringify(String(key))}]\`,
    "input",
  );
}

/**
 * Validates \`input\` with \`schema\`, calls \`tool\` on \`server\` and resolves to the result's
 * value (\`structuredContent\`, else the parsed JSON text, else the text). A result with
 * \`isError\` rejects with the caller's \`ToolError\`.
 */
export async function callTool(
  server: string,
  tool: string,
  schema: InputValidator,
  input: unknown,
  options: CallOptions = {},
): Promise<unknown> {
  const checked = schema.safeParse(input);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => \`\${formatPath(issue.path)}: \${issue.message}\`);
    throw new WrapperInputError(
      \`Invalid input for tool "\${server}.\${tool}": \${problems.join("; ")}. Fix the named \` +
        "field(s); the wrapper's input type and JSDoc list what the tool accepts.",
    );
  }
  const result = await installedCaller().callTool(
    server,
    tool,
    input as Record<string, unknown>,
    options,
  );
  return result.value;
}

function resourceCaller(): Required<InstalledCaller> {
  const caller = installedCaller();
  if (caller.listResources === undefined || caller.readResource === undefined) {
    throw new NoToolCallerError(
      "The installed MCP tool caller cannot read resources: update mcpx, or run this code " +
        "with \`mcpx exec\`.",
    );
  }
  return caller as Required<InstalledCaller>;
}

/** Lists the resources of \`server\` through the installed caller. */
export function listResources(server: string): Promise<readonly ResourceListing[]> {
  return resourceCaller().listResources(server);
}

/** Reads the resource at \`uri\` of \`server\` through the installed caller. */
export function readResource(
  server: string,
  uri: string,
  options: CallOptions = {},
): Promise<ReadResourceResult> {
  return resourceCaller().readResource(server, uri, options);
}
`;
