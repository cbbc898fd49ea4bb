/**
 * Starting real MCP servers for tests: server-everything over SSE or streamable HTTP on a free
 * loopback port, mcp-proxy in front of a stdio server, and `McpxConfig` objects built in code.
 *
 * @module
 */
import { DEFAULT_SANDBOX } from "../../lib/config/defaults.ts";
import type {
  HttpServerConfig,
  McpxConfig,
  ServerConfig,
  StdioServerConfig,
} from "../../lib/config/types.ts";
import { ROOT, SERVERS } from "./paths.ts";

/** Pinned mcp-proxy (HTTP front for stdio servers, with `--apiKey`). */
export const MCP_PROXY = "npm:mcp-proxy@6.7.19";

/** A server process listening on a loopback port. */
export interface RunningServer extends AsyncDisposable {
  /** The port it listens on. */
  readonly port: number;
  /** The pid of the server process. */
  readonly pid: number;
  /** Stops the process and waits for it. */
  close(): Promise<void>;
}

/** Returns a loopback port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForPort(port: number, child: Deno.ChildProcess, ms = 60_000): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !exited) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(
    `server did not listen on 127.0.0.1:${port} (${exited ? "it exited" : "timeout"})`,
  );
}

async function startListening(args: string[], port: number, env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: { ...env, PORT: String(port) },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitForPort(port, child);
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    throw error;
  }
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
  };
  return { port, pid: child.pid, close, [Symbol.asyncDispose]: close };
}

/** Starts server-everything with its `sse` or `streamableHttp` transport on `port` (default: a
 * free one). */
export function startEverything(
  transport: "sse" | "streamableHttp",
  port: number = freePort(),
): Promise<RunningServer> {
  return startListening(["run", "-A", "--quiet", SERVERS.everything, transport], port);
}

/** Starts the fixture `tests/fixtures/servers/<file>`, which listens on 127.0.0.1:$PORT
 * (`port`, default: a free one). */
export function startHttpFixture(file: string, port: number = freePort()): Promise<RunningServer> {
  return startListening(
    ["run", "-A", "--quiet", `${ROOT}/tests/fixtures/servers/${file}`],
    port,
  );
}

/** Starts mcp-proxy on a free port in front of server-everything (stdio), requiring
 * `X-API-Key: <apiKey>`. It serves streamable HTTP at `/mcp` and SSE at `/sse`. */
export function startProxiedEverything(apiKey: string): Promise<RunningServer> {
  const port = freePort();
  return startListening([
    "run",
    "-A",
    "--quiet",
    MCP_PROXY,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--apiKey",
    apiKey,
    "--",
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    SERVERS.everything,
  ], port);
}

/** A stdio server entry running `deno run -A --quiet <specifier> …args`. */
export function denoServer(
  name: string,
  specifier: string,
  extra: Partial<Omit<StdioServerConfig, "name" | "type">> = {},
): StdioServerConfig {
  return {
    name,
    type: "stdio",
    command: Deno.execPath(),
    args: ["run", "-A", "--quiet", specifier],
    env: {},
    cwd: ROOT,
    disabled: false,
    timeoutMs: 60_000,
    normalize: "none",
    ...extra,
  };
}

/** A stdio server entry for a fixture in `tests/fixtures/servers/<file>`. */
export function fixtureServer(
  name: string,
  file: string,
  extra: Partial<Omit<StdioServerConfig, "name" | "type">> = {},
): StdioServerConfig {
  return denoServer(name, `${ROOT}/tests/fixtures/servers/${file}`, extra);
}

/** An HTTP server entry. */
export function httpServer(
  name: string,
  url: string,
  extra: Partial<Omit<HttpServerConfig, "name" | "url">> = {},
): HttpServerConfig {
  return {
    name,
    type: "http",
    url,
    headers: {},
    fallbackToSse: false,
    disabled: false,
    timeoutMs: 60_000,
    normalize: "none",
    ...extra,
  };
}

/** A whole configuration holding `servers`. */
export function testConfig(...servers: ServerConfig[]): McpxConfig {
  return {
    path: undefined,
    root: ROOT,
    servers: Object.fromEntries(servers.map((server) => [server.name, server])),
    sandbox: DEFAULT_SANDBOX,
    warnings: [],
  };
}

/** `true` while a process with `pid` exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
