/**
 * The login behind `mcpx auth <server>`: discovery (RFC 9728 protected-resource metadata, then
 * RFC 8414 authorization-server metadata whose `issuer` must be the server it was fetched from),
 * dynamic client registration unless the config names a client, PKCE, the authorization request,
 * and the code exchange, all through the MCP SDK's `auth()`. The code arrives by the loopback
 * redirect or, headless, pasted on stdin (the redirected URL, its query, or the bare code).
 *
 * @module
 */
import { ClientError } from "../errors.ts";
import type { HttpServerConfig } from "../config/types.ts";
import { browserOpener, openBrowser } from "./_browser.ts";
import { listenForRedirect } from "./_loopback.ts";
import { auth, discoverOAuthServerInfo, type OAuthDiscoveryState } from "./_sdk_auth.ts";
import { McpxOAuthProvider } from "./provider.ts";
import type { AuthStore, StoredTokens } from "./store.ts";

/** Options of {@linkcode login}. */
export interface LoginOptions {
  /** Where tokens go. */
  store: AuthStore;
  /** The environment (PATH, DISPLAY … decide whether a browser can be opened). */
  env: Readonly<Record<string, string>>;
  /** Progress and instructions (the authorization URL is always written here). */
  say: (text: string) => void;
  /** Lines the user pastes (the redirected URL or the code); `undefined`: loopback only. */
  pasted?: AsyncIterable<string>;
  /** Never try to open a browser. @default false */
  headless?: boolean;
  /** Give up after this long. @default 300000 */
  timeoutMs?: number;
  /** Cancels the login. */
  signal?: AbortSignal;
}

/** The outcome of a login. */
export interface LoginResult {
  /** The tokens stored. */
  tokens: StoredTokens;
  /** The authorization server used. */
  issuer: string;
  /** Whether a browser was opened. */
  openedBrowser: boolean;
}

/** Compares issuer identifiers as URLs, tolerating one trailing slash (as the SDK does). */
function sameIssuer(a: string, b: string): boolean {
  const norm = (value: string) => {
    try {
      return new URL(value).href.replace(/\/$/, "");
    } catch {
      return value.replace(/\/$/, "");
    }
  };
  return norm(a) === norm(b);
}

/** Discovery with the RFC 8414 §3.3 issuer check the SDK leaves to the caller. */
export async function discoverAndValidate(server: HttpServerConfig): Promise<OAuthDiscoveryState> {
  let info: OAuthDiscoveryState;
  try {
    info = await discoverOAuthServerInfo(server.url);
  } catch (cause) {
    throw new ClientError(
      "CONNECT_FAILED",
      `Cannot discover the OAuth setup of server "${server.name}" at ${server.url}: ${
        cause instanceof Error ? cause.message : String(cause)
      }.`,
      { cause, data: { server: server.name } },
    );
  }
  const metadata = info.authorizationServerMetadata;
  if (metadata === undefined) {
    throw new ClientError(
      "AUTH_REQUIRED",
      `Server "${server.name}" publishes no OAuth authorization server metadata ` +
        `(looked at ${info.authorizationServerUrl}); if it takes a static token, use "headers".`,
      { data: { server: server.name } },
    );
  }
  if (!sameIssuer(metadata.issuer, info.authorizationServerUrl)) {
    throw new ClientError(
      "PROTOCOL_ERROR",
      `Refusing to log in to server "${server.name}": the authorization server metadata from ` +
        `${info.authorizationServerUrl} names issuer ${JSON.stringify(metadata.issuer)} ` +
        `(RFC 8414 requires them to be identical; the server's OAuth setup is wrong or tampered with).`,
      { data: { server: server.name, issuer: metadata.issuer } },
    );
  }
  return info;
}

/** The authorization response from a pasted line: a URL, a query string, or a bare code. */
export function parsePasted(line: string): URLSearchParams {
  const text = line.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return new URL(text).searchParams;
  if (text.includes("=")) return new URLSearchParams(text.replace(/^\?/, ""));
  return new URLSearchParams({ code: text });
}

async function firstLine(lines: AsyncIterable<string> | undefined): Promise<URLSearchParams> {
  if (lines !== undefined) {
    for await (const line of lines) {
      if (line.trim() !== "") return parsePasted(line);
    }
  }
  return await new Promise<never>(() => {}); // nothing pasted: wait for the loopback redirect
}

function codeFrom(
  server: HttpServerConfig,
  answer: URLSearchParams,
  state: string,
  issuer: string,
): string {
  const fail = (why: string) =>
    new ClientError("AUTH_REQUIRED", `Login to server "${server.name}" failed: ${why}.`, {
      data: { server: server.name },
    });
  const error = answer.get("error");
  if (error !== null) {
    const description = answer.get("error_description");
    throw fail(
      `the authorization server answered ${error}${description ? ` (${description})` : ""}`,
    );
  }
  const gotState = answer.get("state");
  if (gotState !== null && gotState !== state) {
    throw fail("the redirect carries another login's state (start again with one browser tab)");
  }
  const iss = answer.get("iss");
  if (iss !== null && !sameIssuer(iss, issuer)) {
    throw fail(`the redirect comes from issuer ${iss}, not ${issuer} (RFC 9207)`);
  }
  const code = answer.get("code");
  if (code === null || code === "") throw fail("the redirect has no authorization code");
  return code;
}

/** Runs the login for `server` and stores the tokens. */
export async function login(server: HttpServerConfig, options: LoginOptions): Promise<LoginResult> {
  const discovery = await discoverAndValidate(server);
  const { store, say } = options;
  await using receiver = listenForRedirect(server.oauth?.redirectPort ?? 0);
  const state = crypto.randomUUID();
  let authorizationUrl: URL | undefined;
  const provider = new McpxOAuthProvider(server, store, {
    redirectUrl: receiver.redirectUrl,
    state,
    discovery,
    onAuthorizationUrl: (url) => {
      authorizationUrl = url;
    },
  });
  const scope = server.oauth?.scopes?.join(" ");
  const serverUrl = server.url;
  const first = await auth(provider, { serverUrl, ...(scope ? { scope } : {}) });
  if (first !== "REDIRECT" || authorizationUrl === undefined) {
    throw new ClientError(
      "INTERNAL",
      `Login to "${server.name}" did not produce an authorization URL.`,
    );
  }
  const opener = options.headless ? undefined : browserOpener(options.env);
  say(
    `Open this URL to authorize mcpx for server "${server.name}":\n\n  ${authorizationUrl.href}\n\n`,
  );
  let openedBrowser = false;
  if (opener !== undefined) {
    say(`Opening it with ${opener} …\n`);
    openedBrowser = await openBrowser(opener, authorizationUrl.href);
    if (!openedBrowser) say(`${opener} failed; open the URL above yourself.\n`);
  }
  say(
    `Waiting for the redirect to ${receiver.redirectUrl}` +
      (options.pasted === undefined
        ? " …\n"
        : `; on another machine, paste the URL your browser was sent to (or the code) here:\n`),
  );
  const timeoutMs = options.timeoutMs ?? 300_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() =>
      reject(
        new ClientError(
          "TIMEOUT",
          `Login to server "${server.name}" timed out after ${Math.round(timeoutMs / 1000)} s ` +
            `without a redirect or a pasted code; run "mcpx auth ${server.name}" again.`,
        ),
      ), timeoutMs);
  });
  const cancelled = new Promise<never>((_, reject) => {
    options.signal?.addEventListener(
      "abort",
      () => reject(new ClientError("CANCELLED", `Login to server "${server.name}" was cancelled.`)),
    );
  });
  let answer: URLSearchParams;
  try {
    answer = await Promise.race([receiver.received, firstLine(options.pasted), timeout, cancelled]);
  } finally {
    clearTimeout(timer);
  }
  const code = codeFrom(server, answer, state, discovery.authorizationServerUrl);
  await auth(provider, { serverUrl, authorizationCode: code });
  const record = await store.update(server.url, (current) => ({
    ...(current ?? { serverUrl: server.url }),
    serverName: server.name,
    discovery,
  }));
  if (record?.tokens === undefined) {
    throw new ClientError("INTERNAL", `Login to "${server.name}" stored no tokens.`);
  }
  return { tokens: record.tokens, issuer: discovery.authorizationServerUrl, openedBrowser };
}
