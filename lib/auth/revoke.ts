/**
 * Token revocation (RFC 7009) for `mcpx auth --logout`: best effort, so that a logout also ends
 * the grant at the authorization server when it offers a revocation endpoint.
 *
 * @module
 */
import type { OAuthClientInformationMixed } from "./_sdk_auth.ts";
import type { AuthRecord } from "./store.ts";

/** How long a logout waits for the revocation endpoint. */
const REVOKE_TIMEOUT_MS = 5_000;

/** What happened to the stored tokens at the server. */
export interface RevokeOutcome {
  /** `true` when the server confirmed the revocation. */
  revoked: boolean;
  /** Why it did not happen, when the server offers revocation but it failed. */
  warning?: string;
}

/**
 * Revokes the refresh token (which ends the grant) and the access token of `record`, using
 * `client` (a pre-registered client from the config) or the stored registration.
 */
export async function revokeStoredTokens(
  record: AuthRecord,
  client?: OAuthClientInformationMixed,
): Promise<RevokeOutcome> {
  // OpenID metadata types lack the field, but RFC 8414 metadata carries it.
  const metadata = record.discovery?.authorizationServerMetadata as
    | { revocation_endpoint?: string }
    | undefined;
  const endpoint = metadata?.revocation_endpoint;
  const tokens = record.tokens;
  const clientInfo = client ?? record.client ??
    (tokens?.clientId === undefined ? undefined : { client_id: tokens.clientId });
  if (endpoint === undefined || tokens === undefined || clientInfo === undefined) {
    return { revoked: false };
  }
  const revoke = async (token: string, hint: string) => {
    const body = new URLSearchParams({
      token,
      token_type_hint: hint,
      client_id: clientInfo.client_id,
    });
    if (clientInfo.client_secret !== undefined) body.set("client_secret", clientInfo.client_secret);
    const response = await fetch(endpoint, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${endpoint}`);
  };
  try {
    if (tokens.refresh_token !== undefined) await revoke(tokens.refresh_token, "refresh_token");
    await revoke(tokens.access_token, "access_token");
    return { revoked: true };
  } catch (error) {
    return {
      revoked: false,
      warning: `could not revoke the tokens at the server (${
        error instanceof Error ? error.message : String(error)
      }); they are deleted here and expire on their own.`,
    };
  }
}
