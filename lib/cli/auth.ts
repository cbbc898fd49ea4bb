/**
 * `mcpx auth <server>`: OAuth 2.1 login for a remote server (loopback redirect, or headless:
 * paste the redirected URL); `--logout` forgets a login; `--status` (or no server) lists every
 * HTTP server's login state without printing a secret.
 *
 * @module
 */
import { type Command, COMMON_HELP, loadCommandConfig, parseCommandArgs } from "./command.ts";
import { ClientError, UsageError } from "../errors.ts";
import type { HttpServerConfig, McpxConfig } from "../config/types.ts";
import { login } from "../auth/login.ts";
import { needsRefresh } from "../auth/refresh.ts";
import { revokeStoredTokens } from "../auth/revoke.ts";
import { type AuthRecord, AuthStore, canonicalServerUrl } from "../auth/store.ts";

const HELP = `mcpx auth: log in to remote MCP servers that use OAuth 2.1

Usage:
  mcpx auth <server> [--headless] [--timeout SECONDS]
  mcpx auth <server> --logout
  mcpx auth --logout --all
  mcpx auth [--status] [--json]

Options:
  --headless         do not open a browser: print the URL, paste the redirected URL (or code)
  --timeout SECONDS  give up waiting for the authorization (default 300)
  --logout           revoke (when the server offers it) and delete the stored login
  --all              with --logout: every stored login
  --status           list HTTP servers with their login state (the default without a server)
${COMMON_HELP}

Tokens live in $XDG_STATE_HOME/mcpx/auth (else ~/.local/state/mcpx/auth), files 0600, keyed by
server URL. Calls and skills use them and refresh them; they never open a browser: without a
login they fail with AUTH_REQUIRED. See docs/auth.md.`;

function httpServer(config: McpxConfig, name: string): HttpServerConfig {
  const server = config.servers[name];
  if (server === undefined) {
    const names = Object.keys(config.servers);
    throw new ClientError(
      "UNKNOWN_SERVER",
      `Unknown server "${name}". Configured: ${names.length ? names.join(", ") : "(none)"}.`,
    );
  }
  if (server.type === "stdio") {
    throw new UsageError(
      `Server "${name}" is a stdio server; OAuth applies to HTTP servers ("url") only.`,
    );
  }
  return server;
}

/** Lines typed or piped on stdin. */
async function* stdinLines(): AsyncGenerator<string> {
  const decoder = new TextDecoderStream();
  let buffer = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(decoder)) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) !== -1) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer !== "") yield buffer;
}

/** One server's login state in words, and for `--json`. */
function describe(record: AuthRecord | undefined, now = Date.now()) {
  const tokens = record?.tokens;
  if (tokens === undefined) return { state: "not logged in" as const };
  const expiresInSeconds = tokens.expiresAt === undefined
    ? undefined
    : Math.round((tokens.expiresAt - now) / 1000);
  const refreshable = tokens.refresh_token !== undefined;
  const state = expiresInSeconds !== undefined && expiresInSeconds <= 0
    ? (refreshable ? "expired (refreshes on next use)" as const : "expired" as const)
    : needsRefresh(tokens, now) && refreshable
    ? "logged in (refreshes on next use)" as const
    : "logged in" as const;
  return {
    state,
    ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
    refreshable,
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    ...(tokens.clientId === undefined ? {} : { clientId: tokens.clientId }),
  };
}

function inWords(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  const abs = Math.abs(seconds);
  const text = abs >= 3600
    ? `${Math.round(abs / 3600)} h`
    : abs >= 60
    ? `${Math.round(abs / 60)} min`
    : `${abs} s`;
  return seconds >= 0 ? `, expires in ${text}` : `, expired ${text} ago`;
}

async function status(
  config: McpxConfig,
  store: AuthStore,
  json: boolean,
  out: (t: string) => void,
) {
  const records = await store.list();
  const byUrl = new Map(records.map((record) => [canonicalServerUrl(record.serverUrl), record]));
  const rows = Object.values(config.servers).filter((s) => s.type !== "stdio").map((server) => {
    const record = byUrl.get(canonicalServerUrl((server as HttpServerConfig).url));
    byUrl.delete(canonicalServerUrl((server as HttpServerConfig).url));
    const http = server as HttpServerConfig;
    return {
      server: server.name,
      url: http.url,
      oauth: http.oauth !== undefined ? "configured" : record ? "stored login" : "not configured",
      client: http.oauth?.clientId !== undefined
        ? "pre-registered"
        : record?.client
        ? "registered"
        : "none",
      ...describe(record),
    };
  });
  const orphans = [...byUrl.values()].map((record) => ({
    server: record.serverName ?? "(not in config)",
    url: record.serverUrl,
    oauth: "stored login, not in this config",
    client: record.client ? "registered" : "none",
    ...describe(record),
  }));
  if (json) {
    out(`${JSON.stringify({ store: store.dir, servers: [...rows, ...orphans] }, null, 2)}\n`);
    return;
  }
  const all = [...rows, ...orphans];
  if (all.length === 0) {
    out(`No HTTP servers configured and no stored logins (store: ${store.dir}).\n`);
    return;
  }
  const width = Math.max(...all.map((row) => row.server.length));
  for (const row of all) {
    const detail = row.state === "not logged in"
      ? row.oauth === "configured" ? ` (run "mcpx auth ${row.server}")` : ""
      : `${"expiresInSeconds" in row ? inWords(row.expiresInSeconds) : ""}${
        "scope" in row && row.scope ? `, scope "${row.scope}"` : ""
      }, client ${row.client}`;
    out(`${row.server.padEnd(width)}  ${row.state}${detail}  ${row.url}\n`);
  }
  out(`(store: ${store.dir})\n`);
}

async function logout(
  config: McpxConfig,
  store: AuthStore,
  values: { all?: boolean | undefined },
  name: string | undefined,
  io: { out(t: string): void; err(t: string): void },
): Promise<number> {
  const targets: { label: string; url: string; server?: HttpServerConfig }[] = [];
  if (values.all) {
    if (name !== undefined) throw new UsageError("mcpx auth --logout --all takes no server name.");
    for (const record of await store.list()) {
      targets.push({ label: record.serverName ?? record.serverUrl, url: record.serverUrl });
    }
  } else {
    if (name === undefined) {
      throw new UsageError('mcpx auth --logout needs a server name (or "--all").');
    }
    const server = httpServer(config, name);
    targets.push({ label: name, url: server.url, server });
  }
  for (const target of targets) {
    const record = await store.read(target.url);
    const clientId = target.server?.oauth?.clientId;
    const secret = target.server?.oauth?.clientSecret;
    const client = clientId === undefined
      ? undefined
      : { client_id: clientId, ...(secret === undefined ? {} : { client_secret: secret }) };
    const revoked = record === undefined ? undefined : await revokeStoredTokens(record, client);
    const removed = await store.remove(target.url);
    if (revoked?.warning) io.err(`warning: ${revoked.warning}\n`);
    io.out(
      removed
        ? `Logged out of "${target.label}"${
          revoked?.revoked ? " (tokens revoked at the server)" : ""
        }.\n`
        : `No stored login for "${target.label}".\n`,
    );
  }
  if (targets.length === 0) io.out(`No stored logins (store: ${store.dir}).\n`);
  return 0;
}

/** The `auth` command. */
export const command: Command = {
  name: "auth",
  summary: "log in to an OAuth server: mcpx auth <server> (--logout, --status)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("auth", argv, {
      headless: { type: "boolean" },
      logout: { type: "boolean" },
      all: { type: "boolean" },
      status: { type: "boolean" },
      timeout: { type: "string" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 1) {
      throw new UsageError(`mcpx auth takes one server name, got ${positionals.length}.`);
    }
    if (values.all && !values.logout) {
      throw new UsageError('"--all" goes with "--logout" (mcpx auth --logout --all).');
    }
    const name = positionals[0];
    const config = await loadCommandConfig(values, io);
    const store = AuthStore.forEnv(io.env);
    if (values.logout) return await logout(config, store, values, name, io);
    if (values.status || name === undefined) {
      await status(config, store, values.json === true, io.out);
      return 0;
    }
    let timeoutMs: number | undefined;
    if (values.timeout !== undefined) {
      const seconds = Number(values.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(
          `--timeout expects a positive number of seconds, got "${values.timeout}".`,
        );
      }
      timeoutMs = seconds * 1000;
    }
    const server = httpServer(config, name);
    const result = await login(server, {
      store,
      env: io.env,
      say: io.err,
      pasted: stdinLines(),
      headless: values.headless === true,
      signal: io.signal,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    const shown = describe({ serverUrl: server.url, tokens: result.tokens });
    if (values.json) {
      io.out(
        `${JSON.stringify({ server: name, url: server.url, issuer: result.issuer, ...shown })}\n`,
      );
    } else {
      io.out(
        `Logged in to "${name}" (${result.issuer})${
          inWords("expiresInSeconds" in shown ? shown.expiresInSeconds : undefined)
        }; tokens stored in ${store.dir}.\n`,
      );
    }
    return 0;
  },
};
