/**
 * A `ToolCaller` that loads the MCP client (the SDK is most of `mcpx exec`'s start-up cost)
 * only when the skill makes its first bridge request. A run that calls no tool never loads it.
 *
 * @module
 */
import type {
  CallToolOptions,
  ServerInfo,
  ToolCaller,
  ToolInfo,
  ToolResult,
} from "../client/types.ts";
import type { ReadResourceResult, RequestOptions, ResourceInfo } from "../client/resource_types.ts";
import type { McpxConfig } from "../config/types.ts";

interface Manager extends ToolCaller {
  cleanup(): Promise<void>;
  listResources(server: string): Promise<readonly ResourceInfo[]>;
  readResource(server: string, uri: string, options?: RequestOptions): Promise<ReadResourceResult>;
}

/** Makes the `McpClientManager` for `config` on first use; {@linkcode cleanup} closes it. */
export class LazyToolCaller implements ToolCaller {
  readonly #config: McpxConfig;
  #manager: Promise<Manager> | undefined;

  constructor(config: McpxConfig) {
    this.#config = config;
  }

  #load(): Promise<Manager> {
    this.#manager ??= (async () => {
      const { McpClientManager } = await import("../client/manager.ts");
      const manager = new McpClientManager({ config: this.#config });
      await manager.initialize();
      return manager;
    })();
    return this.#manager;
  }

  /** Forwards to the manager, loading it first. */
  async callTool(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<ToolResult> {
    return await (await this.#load()).callTool(server, tool, args, options);
  }

  /** Forwards to the manager, loading it first. */
  async listTools(server: string): Promise<readonly ToolInfo[]> {
    return await (await this.#load()).listTools(server);
  }

  /** Forwards to the manager, loading it first. */
  async listServers(): Promise<readonly ServerInfo[]> {
    return await (await this.#load()).listServers();
  }

  /** Forwards to the manager, loading it first. */
  async listResources(server: string): Promise<readonly ResourceInfo[]> {
    return await (await this.#load()).listResources(server);
  }

  /** Forwards to the manager, loading it first. */
  async readResource(
    server: string,
    uri: string,
    options?: RequestOptions,
  ): Promise<ReadResourceResult> {
    return await (await this.#load()).readResource(server, uri, options);
  }

  /** Closes the manager's connections if it was ever loaded. */
  async cleanup(): Promise<void> {
    const pending = this.#manager;
    if (pending === undefined) return;
    const manager = await pending.catch(() => undefined);
    await manager?.cleanup();
  }
}
