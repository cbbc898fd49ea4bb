/**
 * `McpClientManager`: holds the MCP connections of one mcpx process. It loads the configuration
 * without connecting anything, connects each server on first use (one connection even when two
 * calls race), and closes every connection (stopping stdio children promptly) on `cleanup()`.
 *
 * @module
 */
import { normalizeToolResult } from "./normalize.ts";
import { ClientError, ConfigError } from "../errors.ts";
import { loadConfig } from "../config/load.ts";
import type { McpxConfig, ServerConfig } from "../config/types.ts";
import { callError, isConnectionLost } from "./_call_errors.ts";
import { type Connection, isSessionLost, openConnection } from "./_connection.ts";
import { runToolCall } from "./_run_call.ts";
import {
  allPages,
  checkPromptArguments,
  hasCapability,
  requestError,
  type RequestKind,
  requireCapability,
} from "./_requests.ts";
import type {
  GetPromptResult,
  PromptInfo,
  ReadResourceResult,
  RequestOptions,
  ResourceInfo,
  ResourceReader,
  ResourceTemplateInfo,
} from "./resource_types.ts";
import { nearestName } from "./_suggest.ts";
import { splitQualifiedName } from "./qualified_name.ts";
import { toToolResult } from "./result.ts";
import {
  type CallToolOptions,
  type ServerInfo,
  TOOL_CALLER_KEY,
  type ToolCaller,
  type ToolInfo,
  type ToolResult,
} from "./types.ts";

/** The manager's lifecycle. */
export type ManagerState = "UNINITIALIZED" | "INITIALIZED" | "CONNECTED";

/** Options for {@linkcode McpClientManager}. */
export interface McpClientManagerOptions {
  /** A configuration to use as is; when absent, `initialize()` loads `mcp_config.json`. */
  config?: McpxConfig;
  /** An explicit config file (like `--config`). */
  configPath?: string;
  /** Where to look for the config file. @default Deno.cwd() */
  cwd?: string;
  /** The environment for config interpolation and stdio children. @default Deno.env.toObject() */
  env?: Record<string, string>;
  /** Bytes of each stdio server's stderr kept for error messages. @default 65536 */
  stderrBufferBytes?: number;
  /** Rewrites every successful result. @default the server's `normalize` strategy from the
   * config (field normalization, see `lib/codegen/normalize.ts`) */
  transformResult?: (server: string, result: ToolResult) => ToolResult;
}

/** Counters about one server, for tests and diagnostics. */
export interface ServerStats {
  /** Connections opened so far (a reconnect counts again). */
  readonly connects: number;
  /** Tool calls started so far. */
  readonly calls: number;
  /** Whether a connection is open right now. */
  readonly connected: boolean;
  /** The pid of the stdio child while connected, else `undefined`. */
  readonly pid: number | undefined;
  /** The buffered stderr of the stdio child while connected (the last 64 KiB by default). */
  readonly stderr: string;
}

/** What {@linkcode McpClientManager.probe} learned about a live server. */
export interface ServerProbe {
  /** Milliseconds to connect (when not yet connected) and answer a ping. */
  readonly latencyMs: number;
  /** The name and version the server announced. */
  readonly serverInfo: { readonly name: string; readonly version: string } | undefined;
  /** The capabilities it announced (`tools`, `resources`, `prompts` …). */
  readonly capabilities: readonly string[];
}

/**
 * The in-process {@linkcode ToolCaller}: lazily connected MCP clients, one per server.
 *
 * Methods that need the configuration call {@linkcode McpClientManager.initialize} implicitly.
 *
 * @example
 * ```ts ignore
 * import { McpClientManager } from "./manager.ts";
 * const manager = new McpClientManager();
 * try {
 *   const sum = await manager.callTool("everything", "get-sum", { a: 2, b: 3 });
 *   console.log(sum.value);
 * } finally {
 *   await manager.cleanup();
 * }
 * ```
 */
export class McpClientManager implements ToolCaller, ResourceReader, AsyncDisposable {
  readonly #options: McpClientManagerOptions;
  #config: McpxConfig | undefined;
  #initializing: Promise<McpxConfig> | undefined;
  readonly #connections = new Map<string, Promise<Connection>>();
  readonly #live = new Map<string, Connection>();
  readonly #counters = new Map<string, { connects: number; calls: number }>();

  /** Creates a manager; nothing is loaded or connected until first use. */
  constructor(options: McpClientManagerOptions = {}) {
    this.#options = options;
  }

  /** `UNINITIALIZED`, `INITIALIZED` (config loaded, nothing connected) or `CONNECTED`. */
  get state(): ManagerState {
    if (this.#config === undefined) return "UNINITIALIZED";
    return this.#live.size > 0 ? "CONNECTED" : "INITIALIZED";
  }

  /** The loaded configuration; throws before {@linkcode McpClientManager.initialize}. */
  get config(): McpxConfig {
    if (this.#config === undefined) {
      throw new ClientError("INTERNAL", "McpClientManager is not initialized; call initialize().");
    }
    return this.#config;
  }

  /** Loads the configuration (connects nothing). Idempotent. */
  async initialize(): Promise<void> {
    if (this.#config !== undefined) return;
    this.#initializing ??= this.#options.config !== undefined
      ? Promise.resolve(this.#options.config)
      : loadConfig({
        ...(this.#options.configPath === undefined ? {} : { path: this.#options.configPath }),
        cwd: this.#options.cwd ?? Deno.cwd(),
        env: this.#env(),
      });
    try {
      this.#config = await this.#initializing;
    } finally {
      this.#initializing = undefined;
    }
  }

  /** Lists the configured servers without connecting to them. */
  async listServers(): Promise<readonly ServerInfo[]> {
    await this.initialize();
    return Object.values(this.config.servers).map((server) => ({
      name: server.name,
      type: server.type,
      disabled: server.disabled,
      connected: this.#live.has(server.name),
    }));
  }

  /** Lists `server`'s tools (connecting it if needed); cached until it reconnects or says the
   * list changed. */
  async listTools(server: string): Promise<readonly ToolInfo[]> {
    await this.initialize();
    const config = this.#serverConfig(server);
    const connection = await this.#connection(config);
    try {
      return await this.#tools(connection);
    } catch (error) {
      throw await this.#failure(error, config, connection, "tools/list");
    }
  }

  /** Calls `tool` on `server`. Throws `ToolError` when the tool reports `isError`, and
   * `ClientError` (`UNKNOWN_TOOL`, `TIMEOUT`, `SERVER_EXITED` …) when the call fails. */
  callTool(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<ToolResult>;
  /** Calls a tool by its qualified name `server__tool`. */
  callTool(
    qualifiedName: string,
    args?: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<ToolResult>;
  async callTool(
    first: string,
    second?: string | Record<string, unknown>,
    third?: Record<string, unknown> | CallToolOptions,
    fourth?: CallToolOptions,
  ): Promise<ToolResult> {
    await this.initialize();
    const [server, tool, args, options] = typeof second === "string"
      ? [first, second, third as Record<string, unknown> | undefined, fourth]
      : [...this.#splitQualified(first), second, third as CallToolOptions | undefined] as const;
    const config = this.#serverConfig(server);
    let connection = await this.#connection(config);
    this.#counter(server).calls++;
    const timeoutMs = options?.timeoutMs ?? config.timeoutMs;
    let info: ToolInfo;
    try {
      info = this.#findTool(config, tool, await this.#tools(connection));
    } catch (error) {
      throw await this.#failure(error, config, connection, tool);
    }
    const callOptions = {
      timeoutMs,
      ...(options?.signal === undefined ? {} : { signal: options.signal }),
      ...(options?.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    };
    let outcome = await runToolCall(connection.client, info, args ?? {}, callOptions);
    if (!outcome.ok && config.type === "http" && isSessionLost(outcome.error)) {
      // The server restarted and lost our session: it never ran the call, so open a new session
      // and send it once more.
      await connection.close();
      connection = await this.#connection(config);
      outcome = await runToolCall(connection.client, info, args ?? {}, callOptions);
    }
    if (!outcome.ok) {
      throw await this.#failure(outcome.error, config, connection, tool, {
        timeoutMs,
        aborted: options?.signal?.aborted ?? false,
        timedOut: outcome.timedOut,
      });
    }
    const result = toToolResult(server, tool, outcome.result);
    const transform = this.#options.transformResult;
    return transform === undefined
      ? normalizeToolResult(result, config.normalize)
      : transform(server, result);
  }

  /** Lists `server`'s resources (every page); empty when it offers none. */
  listResources(server: string, options: RequestOptions = {}): Promise<readonly ResourceInfo[]> {
    return this.#request(
      server,
      "resources/list",
      "",
      options,
      (connection, request) =>
        hasCapability(connection, "resources")
          ? allPages<ResourceInfo>(
            (cursor) =>
              connection.client.listResources(cursor === undefined ? {} : { cursor }, request),
            "resources",
          )
          : Promise.resolve([]),
    );
  }

  /** Lists `server`'s resource templates (every page); empty when it offers none. */
  listResourceTemplates(
    server: string,
    options: RequestOptions = {},
  ): Promise<readonly ResourceTemplateInfo[]> {
    return this.#request(
      server,
      "resources/templates/list",
      "",
      options,
      (connection, request) =>
        hasCapability(connection, "resources")
          ? allPages<ResourceTemplateInfo>(
            (cursor) =>
              connection.client.listResourceTemplates(
                cursor === undefined ? {} : { cursor },
                request,
              ),
            "resourceTemplates",
          )
          : Promise.resolve([]),
    );
  }

  /** Reads the resource at `uri` from `server`. Throws `NOT_SUPPORTED` when the server offers
   * no resources and `REQUEST_FAILED` with the server's words when it cannot read `uri`. */
  readResource(
    server: string,
    uri: string,
    options: RequestOptions = {},
  ): Promise<ReadResourceResult> {
    return this.#request(
      server,
      "resources/read",
      uri,
      options,
      async (connection, request, config) => {
        requireCapability(config, connection, "resources");
        return await connection.client.readResource({ uri }, request) as ReadResourceResult;
      },
    );
  }

  /** Lists `server`'s prompts (every page); empty when it offers none. */
  listPrompts(server: string, options: RequestOptions = {}): Promise<readonly PromptInfo[]> {
    return this.#request(
      server,
      "prompts/list",
      "",
      options,
      (connection, request) =>
        hasCapability(connection, "prompts")
          ? allPages<PromptInfo>(
            (cursor) =>
              connection.client.listPrompts(cursor === undefined ? {} : { cursor }, request),
            "prompts",
          )
          : Promise.resolve([]),
    );
  }

  /** Gets the prompt `name` of `server` filled with `args`. Throws `UNKNOWN_PROMPT` for a name
   * the server does not list and `INVALID_ARGUMENTS` naming every missing required argument,
   * before the server is asked. */
  getPrompt(
    server: string,
    name: string,
    args: Readonly<Record<string, unknown>> = {},
    options: RequestOptions = {},
  ): Promise<GetPromptResult> {
    return this.#request(
      server,
      "prompts/get",
      name,
      options,
      async (connection, request, config) => {
        requireCapability(config, connection, "prompts");
        const prompts = await allPages<PromptInfo>(
          (cursor) =>
            connection.client.listPrompts(cursor === undefined ? {} : { cursor }, request),
          "prompts",
        );
        const strings = checkPromptArguments(server, name, args, prompts);
        return await connection.client.getPrompt(
          { name, arguments: strings },
          request,
        ) as GetPromptResult;
      },
    );
  }

  /** Connects `server` (each step within `timeoutMs`) and pings it: for health checks. */
  async probe(server: string, options: RequestOptions = {}): Promise<ServerProbe> {
    await this.initialize();
    const started = performance.now();
    const base = this.#serverConfig(server);
    const config = options.timeoutMs === undefined
      ? base
      : { ...base, timeoutMs: options.timeoutMs };
    await this.#connection(config);
    return await this.#request(server, "ping", "", options, async (connection, request) => {
      await connection.client.ping(request);
      const capabilities = connection.client.getServerCapabilities() ?? {};
      const info = connection.client.getServerVersion();
      return {
        latencyMs: Math.round(performance.now() - started),
        serverInfo: info === undefined ? undefined : { name: info.name, version: info.version },
        capabilities: Object.keys(capabilities).filter((k) => k !== "experimental"),
      };
    });
  }

  /** Connects `server` now instead of on first use. */
  async connect(server: string): Promise<void> {
    await this.initialize();
    await this.#connection(this.#serverConfig(server));
  }

  /** Closes `server`'s connection if one is open or opening; the next use reconnects. Used by
   * the daemon's keep-alive (daemon wiring). */
  async disconnect(server: string): Promise<void> {
    const pending = this.#connections.get(server);
    if (pending === undefined) return;
    this.#connections.delete(server);
    this.#live.delete(server);
    await (await pending.catch(() => undefined))?.close();
  }

  /** Counters for `server` (zeros when never used). */
  stats(server: string): ServerStats {
    const counter = this.#counters.get(server) ?? { connects: 0, calls: 0 };
    const live = this.#live.get(server);
    return {
      ...counter,
      connected: live !== undefined,
      pid: live?.pid,
      stderr: live?.stderr?.text() ?? "",
    };
  }

  /** Makes this manager the process-wide caller of generated wrappers
   * (`globalThis[TOOL_CALLER_KEY]`). Returns a function that undoes it. */
  install(): () => void {
    const slot = globalThis as unknown as Record<symbol, unknown>;
    const previous = slot[TOOL_CALLER_KEY];
    slot[TOOL_CALLER_KEY] = this;
    return () => {
      if (slot[TOOL_CALLER_KEY] === this) slot[TOOL_CALLER_KEY] = previous;
    };
  }

  /** Closes every connection (stdio children get stdin EOF, then SIGTERM, then SIGKILL) and
   * returns to `UNINITIALIZED`. The manager can be used again afterwards. */
  async cleanup(): Promise<void> {
    const pending = [...this.#connections.values()];
    this.#connections.clear();
    this.#live.clear();
    await Promise.allSettled(pending.map(async (p) => await (await p).close()));
    this.#config = undefined;
  }

  /** Same as {@linkcode McpClientManager.cleanup}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.cleanup();
  }

  #env(): Record<string, string> {
    return this.#options.env ?? Deno.env.toObject();
  }

  /** Runs one non-tool request on `server`'s connection, mapping failures to mcpx errors. */
  async #request<T>(
    server: string,
    kind: RequestKind,
    subject: string,
    options: RequestOptions,
    run: (
      connection: Connection,
      request: { timeout: number; signal?: AbortSignal },
      config: ServerConfig,
    ) => Promise<T>,
  ): Promise<T> {
    await this.initialize();
    const config = this.#serverConfig(server);
    const connection = await this.#connection(config);
    const timeoutMs = options.timeoutMs ?? config.timeoutMs;
    const request = {
      timeout: timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    try {
      return await run(connection, request, config);
    } catch (error) {
      if (isConnectionLost(error, connection)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await connection.close();
      }
      throw requestError(error, {
        config,
        connection,
        kind,
        subject,
        timeoutMs,
        aborted: options.signal?.aborted ?? false,
      });
    }
  }

  #counter(server: string): { connects: number; calls: number } {
    let counter = this.#counters.get(server);
    if (counter === undefined) this.#counters.set(server, counter = { connects: 0, calls: 0 });
    return counter;
  }

  /** `[server, tool]` of a qualified `server__tool` name (the longest configured server wins);
   * throws `UNKNOWN_SERVER` when no configured server prefixes it. */
  splitQualifiedName(name: string): [string, string] {
    return this.#splitQualified(name);
  }

  #splitQualified(name: string): [string, string] {
    return splitQualifiedName(name, Object.keys(this.config.servers));
  }

  #serverConfig(name: string): ServerConfig {
    const config = Object.hasOwn(this.config.servers, name) ? this.config.servers[name] : undefined;
    if (config === undefined) {
      const names = Object.keys(this.config.servers);
      const near = nearestName(name, names);
      throw new ClientError(
        "UNKNOWN_SERVER",
        `Unknown server "${name}"${near ? ` (did you mean "${near}"?)` : ""}; configured: ` +
          `${names.join(", ") || "none"}. Add it to mcpServers in ` +
          `${this.config.path ?? "mcp_config.json"}.`,
        { data: { server: name, servers: names } },
      );
    }
    if (config.unavailable !== undefined) {
      throw new ConfigError("CONFIG_INVALID", config.unavailable, { data: { server: name } });
    }
    if (config.disabled) {
      throw new ClientError(
        "SERVER_DISABLED",
        `Server "${name}" is disabled; remove "disabled": true from its entry in ` +
          `${this.config.path ?? "mcp_config.json"} to use it.`,
        { data: { server: name } },
      );
    }
    return config;
  }

  #connection(config: ServerConfig): Promise<Connection> {
    const existing = this.#connections.get(config.name);
    if (existing !== undefined) return existing;
    this.#counter(config.name).connects++;
    const opening: Promise<Connection> = openConnection(config, {
      env: this.#env(),
      stderrBufferBytes: this.#options.stderrBufferBytes ?? 64 * 1024,
      timeoutMs: config.timeoutMs,
      onClose: () => {
        // Only forget the connection if it is still the current one.
        if (this.#connections.get(config.name) === opening) this.#connections.delete(config.name);
        if (this.#live.get(config.name) === connection) this.#live.delete(config.name);
      },
    });
    let connection: Connection | undefined;
    this.#connections.set(config.name, opening);
    opening.then((opened) => {
      connection = opened;
      if (this.#connections.get(config.name) === opening && !opened.isClosed) {
        this.#live.set(config.name, opened);
      }
    }, () => {
      if (this.#connections.get(config.name) === opening) this.#connections.delete(config.name);
    });
    return opening;
  }

  #tools(connection: Connection): Promise<readonly ToolInfo[]> {
    if (connection.tools !== undefined) return connection.tools;
    const listing = (async () => {
      const tools: ToolInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await connection.client.listTools(cursor === undefined ? {} : { cursor });
        tools.push(...page.tools as ToolInfo[]);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return tools;
    })();
    connection.tools = listing;
    listing.catch(() => {
      if (connection.tools === listing) connection.tools = undefined;
    });
    return listing;
  }

  #findTool(config: ServerConfig, tool: string, tools: readonly ToolInfo[]): ToolInfo {
    const info = tools.find((t) => t.name === tool);
    if (info !== undefined) return info;
    const names = tools.map((t) => t.name);
    const near = nearestName(tool, names);
    throw new ClientError(
      "UNKNOWN_TOOL",
      `Server "${config.name}" has no tool "${tool}"${near ? `; did you mean "${near}"?` : "."} ` +
        `Its tools: ${names.join(", ") || "none"}.`,
      { data: { server: config.name, tool, tools: names, ...(near ? { suggestion: near } : {}) } },
    );
  }

  async #failure(
    error: unknown,
    config: ServerConfig,
    connection: Connection,
    tool: string,
    call: { timeoutMs: number; aborted: boolean; timedOut: boolean } = {
      timeoutMs: config.timeoutMs,
      aborted: false,
      timedOut: false,
    },
  ) {
    if (isConnectionLost(error, connection)) {
      // Let the child's last stderr arrive, then drop the connection so the next call reconnects.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await connection.close();
    }
    return callError(error, { config, tool, connection, ...call });
  }
}
