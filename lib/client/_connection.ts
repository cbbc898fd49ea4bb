/**
 * One open connection to one MCP server: the SDK `Client`, its transport, and how to close it
 * promptly. Internal to `McpClientManager`.
 *
 * @module
 */
import { ClientError } from "../errors.ts";
import type { HttpServerConfig, ServerConfig, StdioServerConfig } from "../config/types.ts";
import {
  Client,
  McpError,
  McpErrorCode,
  SSEClientTransport,
  SseError,
  StdioClientTransport,
  StreamableHTTPClientTransport,
  StreamableHTTPError,
  ToolListChangedNotificationSchema,
  UnauthorizedError,
} from "./_sdk.ts";
import { transportAuth } from "../auth/connect.ts";
import { errorChainText, tlsTrustHint, TRUST_ENV_VARS } from "../config/trust.ts";
import { StderrRing } from "./_stderr_ring.ts";
import { findCommand, findNonExecutable } from "./_which.ts";
import type { ToolInfo } from "./types.ts";

/** Name and version mcpx announces to servers. */
const CLIENT_INFO = { name: "mcpx", version: "0.1.0" } as const;

/**
 * Variables a stdio server inherits from mcpx's environment; `env` from the config goes on top.
 * The trust-store and proxy variables ({@linkcode TRUST_ENV_VARS}) let servers that Deno, npx or
 * uvx must download reach their registry through a custom CA or proxy.
 */
export const INHERITED_ENV_VARS: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "XDG_CACHE_HOME",
  "DENO_DIR",
  "NO_COLOR",
  "NPM_CONFIG_REGISTRY",
  ...TRUST_ENV_VARS,
];

/** After stdin is closed, how long a child may take to exit before SIGTERM. */
const STDIN_GRACE_MS = 100;
/** After SIGTERM, how long before SIGKILL. */
const TERM_GRACE_MS = 1000;

/** An open connection. */
export interface Connection {
  /** The SDK client. */
  readonly client: Client;
  /** The child's pid (stdio only). */
  readonly pid: number | undefined;
  /** The child's stderr tail (stdio only). */
  readonly stderr: StderrRing | undefined;
  /** Resolves when the transport has closed, for whatever reason. */
  readonly closed: Promise<void>;
  /** `true` once the transport has closed. */
  readonly isClosed: boolean;
  /** The cached tool list; dropped on `notifications/tools/list_changed`. */
  tools: Promise<readonly ToolInfo[]> | undefined;
  /** The first errors the transport reported (e.g. a message over the SDK's size limit, then
   * the parse errors of its remains): often the true cause when the connection then closes. */
  readonly transportErrors: readonly unknown[];
  /** Closes the connection (and stops the child) promptly. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@linkcode openConnection}. */
export interface OpenOptions {
  /** The environment stdio children inherit from (filtered by {@linkcode INHERITED_ENV_VARS}). */
  readonly env: Readonly<Record<string, string>>;
  /** Bytes of a child's stderr to keep. */
  readonly stderrBufferBytes: number;
  /** Time allowed for the MCP handshake. */
  readonly timeoutMs: number;
  /** Called once when the connection closes (crash, exit, or `close()`). */
  readonly onClose: () => void;
}

function sleep(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms));
}

async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long closing waits for a streamable HTTP server to confirm the end of its session. */
const SESSION_END_GRACE_MS = 1000;

/**
 * `client.connect()` bounded as a whole: the SDK times out the `initialize` request, but not the
 * `notifications/initialized` that follows it, which a wedged HTTP server can hold forever. On
 * timeout the caller closes the connection, which aborts whatever is still pending.
 */
async function connectWithin(
  client: Client,
  transport: Parameters<Client["connect"]>[0],
  timeoutMs: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connecting = client.connect(transport, { timeout: timeoutMs });
  connecting.catch(() => {}); // may reject after the deadline, once the caller closed it
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new McpError(
            McpErrorCode.RequestTimeout,
            `the MCP handshake did not finish within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([connecting, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function signalChild(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** The child of a stdio transport, as captured when it started. */
interface WatchedChild {
  pid: number | undefined;
  /** Resolves when the process has exited; `undefined` when the SDK hid the child. */
  exited: Promise<void> | undefined;
}

/**
 * Captures the child a stdio transport spawns. The SDK forgets its child (and its pid) as soon
 * as the transport closes, which a failed `initialize` does by itself; mcpx still has to make
 * sure that child exits, so it keeps its own handle.
 */
function watchChild(transport: StdioClientTransport): WatchedChild {
  const watched: WatchedChild = { pid: undefined, exited: undefined };
  const start = transport.start.bind(transport);
  transport.start = async () => {
    await start();
    watched.pid = transport.pid ?? undefined;
    // The SDK's private handle (a node ChildProcess); used only to learn when the child exits.
    const child = (transport as unknown as {
      _process?: {
        exitCode: number | null;
        signalCode: string | null;
        once(event: "exit", listener: () => void): void;
      };
    })._process;
    if (child === undefined) return;
    watched.exited = child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once("exit", () => resolve()));
  };
  return watched;
}

function childEnv(config: StdioServerConfig, env: Readonly<Record<string, string>>) {
  const base: Record<string, string> = {};
  for (const key of INHERITED_ENV_VARS) {
    const value = env[key];
    if (value !== undefined && !value.startsWith("()")) base[key] = value;
  }
  return { ...base, ...config.env };
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function describeTarget(config: ServerConfig): string {
  return config.type === "stdio" ? `command "${config.command}"` : config.url;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status behind a transport error, when there is one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    return typeof error.code === "number" && error.code > 0 ? error.code : undefined;
  }
  if (error instanceof UnauthorizedError) return 401;
  const match = error instanceof Error ? /\(HTTP (\d{3})\)/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

function authRequired(config: ServerConfig, status: number, cause: unknown): ClientError {
  if (config.type !== "stdio" && config.oauth !== undefined) {
    return new ClientError(
      "AUTH_REQUIRED",
      `Server "${config.name}" refused its OAuth token with HTTP ${status}: ` +
        `run "mcpx auth ${config.name}"`,
      { cause, data: { server: config.name, status } },
    );
  }
  return new ClientError(
    "AUTH_REQUIRED",
    `Server "${config.name}" refused the connection with HTTP ${status}: set its credentials in ` +
      `mcp_config.json, e.g. "headers": {"Authorization": "Bearer …"}, or, if it uses OAuth, ` +
      `run "mcpx auth ${config.name}".`,
    { cause, data: { server: config.name, status } },
  );
}

async function openStdio(config: StdioServerConfig, options: OpenOptions): Promise<Connection> {
  const env = childEnv(config, options.env);
  if (!isDirectory(config.cwd)) {
    throw new ClientError(
      "CONNECT_FAILED",
      `Cannot start server "${config.name}": its working directory "${config.cwd}" does not ` +
        `exist (or is not a directory); create it or fix "cwd" in mcp_config.json.`,
      { data: { server: config.name, cwd: config.cwd } },
    );
  }
  const command = findCommand(config.command, env.PATH ?? "", config.cwd);
  if (command === undefined) {
    const found = findNonExecutable(config.command, env.PATH ?? "", config.cwd);
    throw new ClientError(
      "COMMAND_NOT_FOUND",
      found === undefined
        ? `Cannot start server "${config.name}": command "${config.command}" not found on ` +
          `PATH; install it or fix "command" in mcp_config.json.`
        : `Cannot start server "${config.name}": command "${config.command}" (${found}) is not ` +
          `executable; make it executable (chmod +x) or fix "command" in mcp_config.json.`,
      { data: { server: config.name, command: config.command } },
    );
  }
  const stderr = new StderrRing(options.stderrBufferBytes);
  const transport = new StdioClientTransport({
    command,
    args: [...config.args],
    env,
    cwd: config.cwd,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Uint8Array) => stderr.push(chunk));
  const child = watchChild(transport);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const connection = track(client, options, {
    pid: () => transport.pid ?? undefined,
    stderr,
    stop: async (self) => {
      const pid = transport.pid ?? child.pid;
      const gone = child.exited ?? self.closed;
      const closing = client.close().catch(() => {});
      if (pid !== undefined && !await within(gone, STDIN_GRACE_MS)) {
        signalChild(pid, "SIGTERM");
        if (!await within(gone, TERM_GRACE_MS)) {
          signalChild(pid, "SIGKILL");
          await within(gone, TERM_GRACE_MS);
        }
      }
      await closing;
    },
  });
  try {
    await connectWithin(client, transport, options.timeoutMs);
  } catch (cause) {
    const exited = connection.isClosed;
    await connection.close();
    // Let the last stderr chunks arrive before quoting them.
    await sleep(20);
    const tail = stderr.tail();
    const trust = tlsTrustHint(stderr.text(), { command: config.command, env });
    if (trust !== undefined) {
      throw new ClientError(
        "SERVER_EXITED",
        `Server "${config.name}" (${describeTarget(config)}) could not start: ${trust}.`,
        { cause, data: { server: config.name, stderr: stderr.text() } },
      );
    }
    if (exited) {
      throw new ClientError(
        "SERVER_EXITED",
        `Server "${config.name}" (${describeTarget(config)}) exited during startup` +
          (tail ? `; its stderr ends with: ${tail}` : " without writing to stderr") +
          `. Check its command and args in mcp_config.json.`,
        { cause, data: { server: config.name, stderr: stderr.text() } },
      );
    }
    throw new ClientError(
      "CONNECT_FAILED",
      `Cannot connect to server "${config.name}" (${describeTarget(config)}): ${errorText(cause)}` +
        (tail ? `; its stderr ends with: ${tail}` : "") + `. Check that it is an MCP server.`,
      { cause, data: { server: config.name, stderr: stderr.text() } },
    );
  }
  return connection;
}

async function openHttp(
  config: HttpServerConfig,
  kind: "http" | "sse",
  options: OpenOptions,
): Promise<Connection> {
  const url = new URL(config.url);
  const requestInit = { headers: { ...config.headers } };
  const auth = await transportAuth(config, options.env);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const transport = kind === "http"
    ? new StreamableHTTPClientTransport(url, { requestInit, ...auth })
    : new SSEClientTransport(url, { requestInit, ...auth });
  const connection = track(client, options, {
    pid: () => undefined,
    stderr: undefined,
    stop: async () => {
      if (transport instanceof StreamableHTTPClientTransport) {
        // Without this a Deno process sometimes fails to exit (see ARCHITECTURE.md). Bounded: a
        // wedged server may never answer the DELETE (client.close() then aborts it).
        await within(transport.terminateSession().catch(() => {}), SESSION_END_GRACE_MS);
      }
      await client.close().catch(() => {});
    },
  });
  try {
    await connectWithin(client, transport, options.timeoutMs);
    // A dropped event stream (the server died or restarted) ends the connection at once, so the
    // calls waiting on it fail with SERVER_EXITED instead of waiting out their timeout.
    client.onerror = (error) => {
      if (isStreamDrop(error)) void connection.close();
    };
  } catch (cause) {
    await connection.close();
    // The SSE transport wraps the OAuth provider's AUTH_REQUIRED in a generic SseError.
    throw auth.authProvider?.authError ?? cause;
  }
  return connection;
}

/** Whether a transport error means the server's event stream is gone (not a single bad
 * request): the streamable HTTP transport's "SSE stream disconnected", the SSE transport's
 * EventSource error. */
function isStreamDrop(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /SSE stream disconnected|^SSE error/i.test(message);
}

/**
 * Whether `error` says a streamable HTTP server no longer knows the session (it restarted):
 * HTTP 404 as the spec says, or the 400 "No valid session ID" some servers send. The request
 * was not processed, so it is safe to send again on a new session.
 */
export function isSessionLost(error: unknown): boolean {
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === 404 || (status === 400 && /session/i.test(message));
}

/** Wraps a transport failure of an HTTP server in the right {@linkcode ClientError}. */
function httpConnectError(config: HttpServerConfig, cause: unknown): ClientError {
  const status = httpStatusOf(cause);
  if (status === 401 || status === 403) return authRequired(config, status, cause);
  const trust = tlsTrustHint(errorChainText(cause), { command: "deno", env: {} });
  if (trust !== undefined) {
    return new ClientError(
      "CONNECT_FAILED",
      `Cannot connect to server "${config.name}" at ${config.url}: ${trust}.`,
      { cause, data: { server: config.name, url: config.url } },
    );
  }
  return new ClientError(
    "CONNECT_FAILED",
    `Cannot connect to server "${config.name}" at ${config.url}: ${errorText(cause)}. ` +
      `Check that the server is running and the "url" (and "type") in mcp_config.json.`,
    { cause, data: { server: config.name, url: config.url, ...(status ? { status } : {}) } },
  );
}

function track(
  client: Client,
  options: OpenOptions,
  parts: {
    pid: () => number | undefined;
    stderr: StderrRing | undefined;
    stop: (self: Connection) => Promise<void>;
  },
): Connection {
  let isClosed = false;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => markClosed = resolve);
  let closing: Promise<void> | undefined;
  let pid: number | undefined;
  const transportErrors: unknown[] = [];
  client.onerror = (error) => {
    if (transportErrors.length < 8) transportErrors.push(error);
  };
  client.onclose = () => {
    if (isClosed) return;
    isClosed = true;
    markClosed();
    options.onClose();
  };
  const connection: Connection = {
    client,
    get pid() {
      return pid ?? (pid = parts.pid());
    },
    stderr: parts.stderr,
    closed,
    get isClosed() {
      return isClosed;
    },
    tools: undefined,
    transportErrors,
    close() {
      return closing ??= parts.stop(connection).finally(() => {
        if (!isClosed) {
          isClosed = true;
          markClosed();
          options.onClose();
        }
      });
    },
  };
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    connection.tools = undefined;
  });
  return connection;
}

/**
 * Opens a connection to `config`'s server. For a `url` without `type`, tries streamable HTTP and
 * falls back to SSE when the server answers with a 4xx other than 401/403.
 */
export async function openConnection(
  config: ServerConfig,
  options: OpenOptions,
): Promise<Connection> {
  if (config.type === "stdio") return await openStdio(config, options);
  const first = config.fallbackToSse ? "http" : config.type;
  try {
    return await openHttp(config, first, options);
  } catch (cause) {
    if (cause instanceof ClientError) throw cause;
    const status = httpStatusOf(cause);
    const fallback = config.fallbackToSse && status !== undefined && status >= 400 &&
      status < 500 && status !== 401 && status !== 403;
    if (!fallback) throw httpConnectError(config, cause);
    try {
      return await openHttp(config, "sse", options);
    } catch (sseCause) {
      if (sseCause instanceof ClientError) throw sseCause;
      throw httpConnectError(config, sseCause);
    }
  }
}
