/**
 * `serveHttp()`: mcpx served over streamable HTTP with `Deno.serve` and the SDK's web-standard
 * transport, one MCP server and transport per session. Requests are checked first: Host and
 * Origin must name this server (DNS-rebinding protection, 403 otherwise), then the bearer token
 * when one is set (401 otherwise).
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { McpxError } from "../errors.ts";
import type { ServeBackend } from "./backend.ts";
import { createMcpxServer, type McpxServerOptions } from "./server.ts";
import { allowedHostsFor, problem, readBodyCapped, refuse } from "./_http_guard.ts";

/** Options for {@linkcode serveHttp}. */
export interface ServeHttpOptions extends McpxServerOptions {
  /** Address to bind. Anything but loopback exposes sandboxed code execution to the network.
   * @default "127.0.0.1" */
  host?: string;
  /** Port to bind; 0 picks a free one. @default 7821 */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra accepted Host header values (`name:port`), e.g. behind a reverse proxy. */
  allowedHosts?: readonly string[];
  /** The MCP endpoint path. @default "/mcp" */
  path?: string;
  /** Aborting stops the server (like {@linkcode HttpServerHandle.close}). */
  signal?: AbortSignal;
}

/** A running HTTP server. */
export interface HttpServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:7821/mcp`. */
  readonly url: URL;
  /** Closes every session and stops listening. */
  close(): Promise<void>;
  /** Resolves once the server has stopped. */
  readonly finished: Promise<void>;
}

/** Largest request body accepted, in bytes (the SDK transport's own default), counted as it
 * arrives whether the request declares a `Content-Length` or is chunked. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Session {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly server: McpServer;
}

/**
 * Serves mcpx's tools over streamable HTTP. Each session gets its own MCP server; all share
 * `backend` (and so its MCP connections).
 *
 * @example
 * ```ts ignore
 * import { serveHttp } from "./http.ts";
 * const handle = await serveHttp(backend, { port: 0 });
 * console.log(handle.url.href);
 * await handle.close();
 * ```
 */
export function serveHttp(
  backend: ServeBackend,
  options: ServeHttpOptions = {},
): Promise<HttpServerHandle> {
  const createServer = () => createMcpxServer(backend, options);
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/mcp";
  const sessions = new Map<string, Session>();
  let allowed = new Set<string>();

  const handler = async (request: Request): Promise<Response> => {
    const refusal = refuse(request, allowed, options.token);
    if (refusal !== undefined) return refusal;
    if (new URL(request.url).pathname !== path) return problem(404, `Not found; MCP is at ${path}`);
    // Every body is read here, capped while it streams, whatever its framing: the transport
    // only ever sees the parsed message.
    const read = await readBodyCapped(request, MAX_BODY_BYTES);
    if ("tooLarge" in read) {
      return problem(
        413,
        `Request body larger than ${MAX_BODY_BYTES} bytes (4 MiB); send less per request`,
      );
    }
    let body: unknown;
    if (request.method === "POST") {
      try {
        body = JSON.parse(read.text);
      } catch {
        return Response.json(
          { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null },
          { status: 400 },
        );
      }
    }
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId !== null) {
      const session = sessions.get(sessionId);
      if (session === undefined) return problem(404, "Session not found; initialize again");
      return await session.transport.handleRequest(
        request,
        body === undefined ? undefined : { parsedBody: body },
      );
    }
    if (request.method !== "POST") {
      return problem(400, "Bad request: no mcp-session-id header; initialize first");
    }
    const messages = Array.isArray(body) ? body : [body];
    if (!messages.some((message) => isInitializeRequest(message))) {
      return problem(400, "Bad request: no mcp-session-id header; initialize first");
    }
    return await openSession(request, body);
  };

  async function openSession(request: Request, body: unknown): Promise<Response> {
    const server = createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, { transport, server }),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return await transport.handleRequest(request, { parsedBody: body });
  }

  let httpServer: Deno.HttpServer<Deno.NetAddr>;
  try {
    httpServer = Deno.serve({
      hostname: host,
      port: options.port ?? 7821,
      onListen: () => {},
      onError: (error) => problem(500, error instanceof Error ? error.message : String(error)),
    }, handler);
  } catch (cause) {
    return Promise.reject(
      new McpxError(
        "INTERNAL",
        `Cannot listen on ${host}:${options.port ?? 7821}: ${String(cause)}; pick another --port.`,
        { cause },
      ),
    );
  }
  const port = httpServer.addr.port;
  allowed = new Set([
    ...allowedHostsFor(host, port),
    ...(options.allowedHosts ?? []).map((h) => h.toLowerCase()),
  ]);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((s) => s.server.close()));
      await httpServer.shutdown();
    })();
  options.signal?.addEventListener("abort", () => void close(), { once: true });

  return Promise.resolve({
    url: new URL(`http://${urlHost}:${port}${path}`),
    close,
    finished: httpServer.finished,
  });
}
