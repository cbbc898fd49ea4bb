/**
 * The seam between everything that calls MCP tools (skills, wrappers, `mcpx call`) and what
 * actually reaches the servers: the in-process `McpClientManager`, or the bridge guest inside a
 * sandbox. Both implement {@linkcode ToolCaller}.
 *
 * @module
 */

import type { ReadResourceResult, RequestOptions, ResourceInfo } from "./resource_types.ts";

/** One content item exactly as the server sent it (text, image, audio, resource, resource_link). */
export type ContentItem = { readonly type: string } & Readonly<Record<string, unknown>>;

/** The result of one successful tool call, keeping everything the server sent. */
export interface ToolResult {
  /** The most useful single value: `structuredContent` when present, else the JSON-parsed text
   * of a lone text item, else the text of the text items joined, else `undefined`. */
  readonly value: unknown;
  /** `structuredContent` as sent, when the server sent it. */
  readonly structuredContent?: Readonly<Record<string, unknown>>;
  /** Every content item, in order. */
  readonly content: readonly ContentItem[];
  /** The result's `_meta`, when sent. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A tool as listed by a server (the MCP `Tool` shape, kept loose on purpose). */
export interface ToolInfo {
  /** The tool's name on its server. */
  readonly name: string;
  /** Human-readable title. */
  readonly title?: string;
  /** What the tool does. */
  readonly description?: string;
  /** JSON Schema of the arguments. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /** JSON Schema of `structuredContent`, when declared. */
  readonly outputSchema?: Readonly<Record<string, unknown>>;
  /** Hints such as `readOnlyHint` and `destructiveHint`. */
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** `execution.taskSupport` and any other field the server sent. */
  readonly [key: string]: unknown;
}

/** A configured server as reported by `listServers()`. */
export interface ServerInfo {
  /** The key in `mcpServers`. */
  readonly name: string;
  /** Its transport. */
  readonly type: "stdio" | "http" | "sse";
  /** Whether the entry is disabled. */
  readonly disabled: boolean;
  /** Whether a connection is open right now. */
  readonly connected: boolean;
}

/** Options for one tool call. */
export interface CallToolOptions {
  /** Give up after this many milliseconds and cancel the request on the server.
   * @default the server's `timeoutMs` from the config */
  timeoutMs?: number;
  /** Abort the call (the request is cancelled on the server). */
  signal?: AbortSignal;
  /** Receives `notifications/progress` for this call. */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

/** Anything that can call MCP tools: the client manager, the bridge guest, a test double. */
export interface ToolCaller {
  /** Calls `tool` on `server`; throws `ToolError` when the server reports `isError`. */
  callTool(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<ToolResult>;
  /** Lists the tools of one server. */
  listTools(server: string): Promise<readonly ToolInfo[]>;
  /** Lists the configured servers (enabled and disabled). */
  listServers(): Promise<readonly ServerInfo[]>;
  /** Lists the resources of one server. Optional: a caller without it cannot serve resources
   * (the bridge then answers `NOT_SUPPORTED`). */
  listResources?(server: string): Promise<readonly ResourceInfo[]>;
  /** Reads one resource of one server. Optional, like `listResources`. */
  readResource?(server: string, uri: string, options?: RequestOptions): Promise<ReadResourceResult>;
}

/**
 * The global slot through which generated wrappers find their {@linkcode ToolCaller}: the bridge
 * guest installs itself here inside a sandbox; `McpClientManager.install()` does so in-process.
 * A global symbol (not a module-level variable) so that copies of the runtime module loaded from
 * different paths still agree.
 */
export const TOOL_CALLER_KEY: unique symbol = Symbol.for("mcpx.toolCaller") as never;
