/**
 * `serveStdio()`: mcpx served over standard input and output, the way Claude Desktop and Claude
 * Code start local servers. Nothing else may write to stdout while it runs; logs go to stderr.
 *
 * @module
 */
import process from "node:process";
import type { Readable, Writable } from "node:stream";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { ServeBackend } from "./backend.ts";
import { createMcpxServer, type McpxServerOptions } from "./server.ts";

/** Options for {@linkcode serveStdio}. */
export interface ServeStdioOptions extends McpxServerOptions {
  /** Aborting closes the server. */
  signal?: AbortSignal;
  /** Where requests come from. @default process.stdin */
  input?: Readable;
  /** Where responses go. @default process.stdout */
  output?: Writable;
}

/**
 * Serves mcpx's tools over stdin/stdout and resolves when the client closes stdin, the
 * transport closes, or `signal` aborts. `backend` stays open (close it afterwards).
 *
 * @example
 * ```ts ignore
 * import { serveStdio } from "./stdio.ts";
 * await serveStdio(backend);
 * ```
 */
export async function serveStdio(
  backend: ServeBackend,
  options: ServeStdioOptions = {},
): Promise<void> {
  const server = createMcpxServer(backend, options);
  const input = options.input ?? process.stdin;
  const transport = new StdioServerTransport(input, options.output ?? process.stdout);
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  transport.onclose = () => resolve();
  const onEnd = () => void server.close();
  input.once("end", onEnd);
  input.once("close", onEnd);
  const onAbort = () => void server.close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await server.connect(transport);
    if (options.signal?.aborted) await server.close();
    await closed;
  } finally {
    input.off("end", onEnd);
    input.off("close", onEnd);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
