/**
 * The exact `tools/list` result `mcpx serve` sends, without starting a transport or touching any
 * MCP server: the prompt cost an MCP client pays for adding mcpx (used by `mcpx tokens`).
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { ToolInfo } from "../client/types.ts";
import { McpxError } from "../errors.ts";
import type { ServeBackend } from "./backend.ts";
import { createMcpxServer } from "./server.ts";

const unused = (): never => {
  throw new McpxError("INTERNAL", "listing mcpx serve's tools calls no backend");
};

/** A backend for listing only: `tools/list` never calls it. */
const LISTING_BACKEND: ServeBackend = {
  root: ".",
  sandbox: { maxTimeoutSeconds: 600 },
  serve: { allowNet: [], tier: "deno", allowTrusted: false, servers: [] },
  tools: { listServers: unused, listTools: unused },
  skills: { list: unused, resolve: unused, usage: unused },
  runner: { run: unused },
  close: () => Promise.resolve(),
};

/**
 * Returns the tools `mcpx serve` lists, exactly as a client receives them (serialize with
 * `JSON.stringify({ tools })` to measure the payload).
 *
 * @example
 * ```ts
 * import { listMcpxTools } from "./tools_list.ts";
 * const tools = await listMcpxTools();
 * console.assert(tools.some((tool) => tool.name === "execute_code"));
 * ```
 */
export async function listMcpxTools(): Promise<ToolInfo[]> {
  const server = createMcpxServer(LISTING_BACKEND);
  const client = new Client({ name: "mcpx-tokens", version: "1.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  try {
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    return tools as ToolInfo[];
  } finally {
    await client.close();
    await server.close();
  }
}
