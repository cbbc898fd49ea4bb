/**
 * Token bookkeeping shared by the provider and the coordinated fetch: when tokens were obtained
 * and expire, when to refresh, and {@linkcode refreshUnderLock}, the one place a refresh token is
 * spent.
 *
 * @module
 */
import { ClientError } from "../errors.ts";
import type { HttpServerConfig } from "../config/types.ts";
import type { OAuthTokens } from "./_sdk_auth.ts";
import type { AuthRecord, AuthStore, StoredTokens } from "./store.ts";

/** Refresh when less than this remains of an access token's life … */
const REFRESH_MARGIN_MS = 60_000;
/** … or less than this fraction of it, for short-lived tokens. */
const REFRESH_MARGIN_FRACTION = 0.25;

/** The `AUTH_REQUIRED` error for `server`, with the reason first. */
export function authRequired(
  server: string,
  reason: string,
  options: { cause?: unknown; refused?: boolean } = {},
): ClientError {
  return new ClientError("AUTH_REQUIRED", `${reason}: run "mcpx auth ${server}"`, {
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    data: { server, ...(options.refused ? { refused: true } : {}) },
  });
}

/** `tokens` as stored now, with `obtainedAt`, `expiresAt` and the client they belong to. */
export function stampTokens(tokens: OAuthTokens, clientId: string | undefined): StoredTokens {
  const now = Date.now();
  return {
    ...tokens,
    obtainedAt: now,
    ...(tokens.expires_in === undefined ? {} : { expiresAt: now + tokens.expires_in * 1000 }),
    ...(clientId === undefined ? {} : { clientId }),
  };
}

/** The token response the SDK expects, with `expires_in` counted from now. */
export function asOAuthTokens(stored: StoredTokens): OAuthTokens {
  const { obtainedAt: _o, expiresAt, clientId: _c, ...tokens } = stored;
  return expiresAt === undefined
    ? tokens
    : { ...tokens, expires_in: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)) };
}

/** `true` when the access token expires soon enough to refresh it now. */
export function needsRefresh(tokens: StoredTokens, now = Date.now()): boolean {
  if (tokens.expiresAt === undefined) return false;
  const life = Math.max(0, tokens.expiresAt - tokens.obtainedAt);
  const margin = Math.min(REFRESH_MARGIN_MS, life * REFRESH_MARGIN_FRACTION);
  return tokens.expiresAt - now <= margin;
}

/** The tokens a process holds when it decides to refresh. */
export interface HeldTokens {
  /** The refresh token it would spend. */
  readonly refreshToken: string;
  /** The access token it last used, when known. */
  readonly accessToken?: string | undefined;
}

/**
 * Refreshes `server`'s tokens once across every process: under the record's lock, if the stored
 * tokens are no longer the `held` ones (another process refreshed meanwhile, whether or not the
 * server rotates refresh tokens), those are returned; otherwise `perform` runs and its tokens are
 * stored before the lock is released.
 */
export async function refreshUnderLock(
  store: AuthStore,
  server: HttpServerConfig,
  held: HeldTokens,
  perform: (record: AuthRecord, tokens: StoredTokens) => Promise<StoredTokens>,
): Promise<StoredTokens> {
  return await store.withLock(server.url, async (locked) => {
    const record = await locked.read();
    const current = record?.tokens;
    if (record === undefined || current === undefined) {
      throw authRequired(server.name, `Server "${server.name}" has no OAuth login any more`);
    }
    const replaced = current.refresh_token !== held.refreshToken ||
      (held.accessToken !== undefined && current.access_token !== held.accessToken);
    if (replaced) return current;
    try {
      const fresh = await perform(record, current);
      await locked.write({ ...record, tokens: fresh });
      return fresh;
    } catch (error) {
      if (error instanceof ClientError && error.data?.refused === true) {
        // The authorization server refused the refresh token: the login is over.
        const { tokens: _dropped, ...rest } = record;
        await locked.write(rest);
      }
      throw error;
    }
  });
}
