/**
 * The fetch function given to an OAuth-enabled transport. When the server answers 401 the SDK's
 * `auth()` refreshes the tokens itself; this puts that refresh under the same cross-process lock
 * as mcpx's own refresh ({@linkcode refreshUnderLock}), so two processes holding the same
 * refresh token never both spend it (a rotating authorization server would revoke the grant).
 *
 * @module
 */
import type { HttpServerConfig } from "../config/types.ts";
import { asOAuthTokens, refreshUnderLock, stampTokens } from "./refresh.ts";
import type { AuthStore } from "./store.ts";

/** The SDK's `FetchLike`. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** A refused refresh, handed back to the SDK unchanged so that it reads the OAuth error. */
class Refused extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
  }
}

function refreshGrant(init: RequestInit | undefined): URLSearchParams | undefined {
  if (init?.method !== "POST" || !(init.body instanceof URLSearchParams)) return undefined;
  return init.body.get("grant_type") === "refresh_token" ? init.body : undefined;
}

/**
 * Wraps `base` so that refresh-token grants for `server` run once across processes: a process
 * that finds the refresh token already spent by another answers with the stored new tokens.
 */
export function coordinatedFetch(
  store: AuthStore,
  server: HttpServerConfig,
  options: {
    /** The access token the transport last sent, when known. */
    lastAccessToken?: () => string | undefined;
    /** The fetch to wrap. @default fetch */
    base?: FetchLike;
  } = {},
): FetchLike {
  const base = options.base ?? fetch;
  return async (url, init) => {
    const grant = refreshGrant(init);
    const used = grant?.get("refresh_token");
    if (grant === undefined || used === null || used === undefined) return await base(url, init);
    try {
      const held = { refreshToken: used, accessToken: options.lastAccessToken?.() };
      const tokens = await refreshUnderLock(store, server, held, async (record) => {
        const response = await base(url, init);
        if (!response.ok) throw new Refused(response);
        const body = await response.json();
        const issuer = record.discovery?.authorizationServerUrl;
        return stampTokens(
          { refresh_token: used, ...body, ...(issuer === undefined ? {} : { issuer }) },
          grant.get("client_id") ?? undefined,
        );
      });
      return Response.json(asOAuthTokens(tokens));
    } catch (error) {
      if (error instanceof Refused) return error.response;
      throw error;
    }
  };
}
