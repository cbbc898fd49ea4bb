/**
 * First tool call latency per transport (stdio, SSE, streamable HTTP): a fresh
 * `McpClientManager` (config → lazy connect → call → cleanup) against a bare SDK `Client` doing
 * the same (connect → call → close), interleaved in the same run.
 *
 * @module
 */
import {
  Client,
  SSEClientTransport,
  StdioClientTransport,
  StreamableHTTPClientTransport,
} from "../lib/client/_sdk.ts";
import { McpClientManager } from "../lib/client/manager.ts";
import type { ServerConfig } from "../lib/config/types.ts";
import { denoServer, httpServer, startEverything, testConfig } from "../tests/helpers/servers.ts";
import { SERVERS } from "../tests/helpers/paths.ts";
import { type BenchRow, compare } from "./_stats.ts";

const RUNS = 10;

async function viaManager(server: ServerConfig): Promise<void> {
  const manager = new McpClientManager({ config: testConfig(server) });
  try {
    await manager.callTool(server.name, "echo", { message: "hi" });
  } finally {
    await manager.cleanup();
  }
}

async function viaSdk(makeTransport: () => Parameters<Client["connect"]>[0]): Promise<void> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  const transport = makeTransport();
  await client.connect(transport);
  try {
    await client.callTool({ name: "echo", arguments: { message: "hi" } });
  } finally {
    if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession();
    await client.close();
  }
}

/** Runs the transport benchmarks. */
export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const stdio = denoServer("everything", SERVERS.everything);
  rows.push(
    await compare("transports", { name: "manager, stdio", run: () => viaManager(stdio) }, {
      name: "bare SDK client, stdio",
      run: () =>
        viaSdk(() =>
          new StdioClientTransport({
            command: stdio.command,
            args: [...stdio.args],
            stderr: "ignore",
          })
        ),
    }, { runs: RUNS }),
  );
  for (const transport of ["sse", "streamableHttp"] as const) {
    await using server = await startEverything(transport);
    const path = transport === "sse" ? "sse" : "mcp";
    const url = `http://127.0.0.1:${server.port}/${path}`;
    const config = httpServer("everything", url, { type: transport === "sse" ? "sse" : "http" });
    const label = transport === "sse" ? "SSE" : "streamable HTTP";
    rows.push(
      await compare("transports", { name: `manager, ${label}`, run: () => viaManager(config) }, {
        name: `bare SDK client, ${label}`,
        run: () =>
          viaSdk(() =>
            transport === "sse"
              ? new SSEClientTransport(new URL(url))
              : new StreamableHTTPClientTransport(new URL(url))
          ),
      }, { runs: RUNS }),
    );
  }
  return rows;
}
