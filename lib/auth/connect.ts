/**
 * What an HTTP or SSE transport needs for OAuth: the provider and the coordinated fetch. Used by
 * the client manager when it opens a connection; it never starts a login.
 *
 * @module
 */
import type { HttpServerConfig } from "../config/types.ts";
import { McpxOAuthProvider } from "./provider.ts";
import { coordinatedFetch, type FetchLike } from "./refresh_fetch.ts";
import { AuthStore } from "./store.ts";

/** Options to spread into a `StreamableHTTPClientTransport` or `SSEClientTransport`. */
export interface TransportAuth {
  /** Supplies (and refreshes) stored tokens; throws `AUTH_REQUIRED` instead of a login. */
  authProvider?: McpxOAuthProvider;
  /** Runs the SDK's own refresh-after-401 under the cross-process lock. */
  fetch?: FetchLike;
}

/**
 * OAuth options for `config`'s transport: present when the entry asks for OAuth, or when
 * `mcpx auth` stored a login for its URL; empty otherwise (static headers only).
 */
export async function transportAuth(
  config: HttpServerConfig,
  env: Readonly<Record<string, string>>,
): Promise<TransportAuth> {
  let store: AuthStore;
  try {
    store = AuthStore.forEnv(env);
  } catch (error) {
    if (config.oauth !== undefined) throw error;
    return {};
  }
  if (config.oauth === undefined && (await store.read(config.url))?.tokens === undefined) {
    return {};
  }
  const authProvider = new McpxOAuthProvider(config, store);
  const lastAccessToken = () => authProvider.lastAccessToken;
  return { authProvider, fetch: coordinatedFetch(store, config, { lastAccessToken }) };
}
