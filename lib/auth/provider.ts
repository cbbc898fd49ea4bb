/**
 * mcpx's {@linkcode OAuthClientProvider} for the MCP SDK: client information, tokens and
 * discovery results come from the {@linkcode AuthStore}; tokens are refreshed before they
 * expire, under the record's cross-process lock ({@linkcode refreshUnderLock}).
 *
 * A provider is either for a connection (`interactive` absent): it never starts an
 * authorization, it throws `AUTH_REQUIRED` naming `mcpx auth <server>` instead, so no browser is
 * ever opened from a skill run, a call or a sandbox; or for `mcpx auth` (`interactive` set): it
 * hands the authorization URL to the login flow.
 *
 * @module
 */
import { ClientError } from "../errors.ts";
import type { HttpServerConfig, OAuthSettings } from "../config/types.ts";
import {
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  OAuthError,
  type OAuthTokens,
  refreshAuthorization,
  ServerError,
} from "./_sdk_auth.ts";
import {
  asOAuthTokens,
  authRequired,
  needsRefresh,
  refreshUnderLock,
  stampTokens,
} from "./refresh.ts";
import type { AuthRecord, AuthStore, StoredTokens } from "./store.ts";

/** What `mcpx auth` plugs into a provider. */
export interface InteractiveHooks {
  /** The loopback redirect URI of this login. */
  readonly redirectUrl: string;
  /** The `state` sent with the authorization request. */
  readonly state: string;
  /** Discovery results validated by the login flow (issuer checked). */
  readonly discovery: OAuthDiscoveryState;
  /** Receives the authorization URL the user must open. */
  onAuthorizationUrl(url: URL): void | Promise<void>;
}

/** The {@linkcode OAuthClientProvider} of one HTTP server. */
export class McpxOAuthProvider implements OAuthClientProvider {
  readonly #server: HttpServerConfig;
  readonly #settings: OAuthSettings;
  readonly #store: AuthStore;
  readonly #interactive: InteractiveHooks | undefined;
  #verifier: string | undefined;
  /** The access token last handed to the transport, to tell our own tokens from newer ones. */
  #lastAccessToken: string | undefined;
  /** Why the stored login was dropped, for the next `AUTH_REQUIRED` message. */
  #dropped: string | undefined;
  #authError: ClientError | undefined;

  /** A provider for `server`; pass `interactive` only from `mcpx auth`. */
  constructor(server: HttpServerConfig, store: AuthStore, interactive?: InteractiveHooks) {
    this.#server = server;
    this.#settings = server.oauth ?? OAUTH_DEFAULTS;
    this.#store = store;
    this.#interactive = interactive;
  }

  /**
   * The last `AUTH_REQUIRED` this provider threw. The SSE transport reports a failure inside its
   * event source as a generic `SseError`; the connection code restores the real error from here.
   */
  get authError(): ClientError | undefined {
    return this.#authError;
  }

  /** `AUTH_REQUIRED` for a connection that has no usable login, remembered for `authError`. */
  #loginRequired(): ClientError {
    const reason = this.#dropped ?? `Server "${this.#server.name}" needs an OAuth login`;
    return this.#authError = authRequired(this.#server.name, reason);
  }

  /** The access token last handed to the transport (what a 401 refers to). */
  get lastAccessToken(): string | undefined {
    return this.#lastAccessToken;
  }

  /** The loopback redirect URI (a connection never redirects; it reports the registered one). */
  get redirectUrl(): string {
    return this.#interactive?.redirectUrl ?? "http://127.0.0.1/callback";
  }

  /** What dynamic registration sends. */
  get clientMetadata(): OAuthClientMetadata {
    const scope = this.#settings.scopes?.join(" ");
    return {
      client_name: "mcpx",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: this.#settings.clientSecret === undefined
        ? "none"
        : "client_secret_post",
      ...(scope === undefined || scope === "" ? {} : { scope }),
    };
  }

  /** The login's `state`. */
  state(): string {
    return this.#interactive?.state ?? crypto.randomUUID();
  }

  /** The pre-registered client from the config, else the stored registration. */
  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const { clientId, clientSecret } = this.#settings;
    if (clientId !== undefined) {
      return {
        client_id: clientId,
        ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
      };
    }
    const client = (await this.#store.read(this.#server.url))?.client;
    if (client === undefined && this.#interactive === undefined) {
      // Registering is part of a login: a connection must not register clients on its own.
      throw this.#loginRequired();
    }
    return client;
  }

  /** Stores a dynamic registration; a configured client's secret never goes to the store. */
  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    if (this.#settings.clientId !== undefined) return;
    await this.#update((record) => ({ ...record, client }));
  }

  /**
   * The stored tokens, refreshed first when they expire soon. A connection without tokens fails
   * here with `AUTH_REQUIRED`, before any request.
   */
  async tokens(): Promise<OAuthTokens | undefined> {
    // `mcpx auth` always starts a fresh login, even over working tokens.
    if (this.#interactive !== undefined) return undefined;
    const record = await this.#store.read(this.#server.url);
    let stored = record?.tokens;
    const clientId = this.#settings.clientId;
    if (stored !== undefined && clientId !== undefined && stored.clientId !== clientId) {
      stored = undefined; // issued to another client than the configured one
    }
    if (stored === undefined) {
      throw this.#loginRequired();
    }
    if (stored.refresh_token !== undefined && needsRefresh(stored)) {
      try {
        stored = await this.#refresh(record!, stored);
      } catch (error) {
        if (error instanceof ClientError && error.code === "AUTH_REQUIRED") this.#authError = error;
        throw error;
      }
    }
    this.#lastAccessToken = stored.access_token;
    return asOAuthTokens(stored);
  }

  /** Stores tokens received by the SDK (code exchange, or a refresh after a 401). */
  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const stamped = stampTokens(tokens, (await this.clientInformation())?.client_id);
    this.#lastAccessToken = stamped.access_token;
    this.#dropped = undefined;
    await this.#update((record) => ({ ...record, tokens: stamped }));
  }

  /** Hands the URL to `mcpx auth`; a connection refuses to start an authorization. */
  async redirectToAuthorization(url: URL): Promise<void> {
    if (this.#interactive === undefined) {
      throw this.#loginRequired();
    }
    await this.#interactive.onAuthorizationUrl(url);
  }

  /** Keeps the PKCE verifier of this login in memory only. */
  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  /** The PKCE verifier of this login. */
  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error("no PKCE code verifier saved");
    return this.#verifier;
  }

  /** The validated discovery results; a connection without them needs a login first. */
  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    if (this.#interactive !== undefined) return this.#interactive.discovery;
    const discovery = (await this.#store.read(this.#server.url))?.discovery;
    if (discovery === undefined) {
      throw this.#loginRequired();
    }
    return discovery;
  }

  /** Stores discovery results. */
  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.#update((record) => ({ ...record, discovery }));
  }

  /**
   * Forgets what the server refused. Tokens are dropped only if they are still the ones this
   * provider used: another process may have stored newer ones meanwhile.
   */
  async invalidateCredentials(
    scope: "all" | "client" | "tokens" | "verifier" | "discovery",
  ): Promise<void> {
    if (scope === "verifier") {
      this.#verifier = undefined;
      return;
    }
    const used = this.#lastAccessToken;
    this.#dropped = `Server "${this.#server.name}" refused the stored OAuth login`;
    await this.#store.update(this.#server.url, (record) => {
      if (record === undefined) return undefined;
      const next = { ...record };
      const ours = record.tokens !== undefined && record.tokens.access_token === used;
      if ((scope === "all" || scope === "tokens") && ours) delete next.tokens;
      if (scope === "all" || scope === "client") delete next.client;
      if (scope === "all" || scope === "discovery") delete next.discovery;
      return next;
    });
  }

  async #refresh(record: AuthRecord, stored: StoredTokens): Promise<StoredTokens> {
    const server = this.#server;
    const held = { refreshToken: stored.refresh_token!, accessToken: stored.access_token };
    return await refreshUnderLock(this.#store, server, held, async (current) => {
      const discovery = current.discovery ?? record.discovery;
      const client = await this.clientInformation();
      if (discovery === undefined || client === undefined) {
        throw authRequired(server.name, `The OAuth login of server "${server.name}" is incomplete`);
      }
      try {
        const resource = discovery.resourceMetadata?.resource;
        const tokens = await refreshAuthorization(discovery.authorizationServerUrl, {
          clientInformation: client,
          refreshToken: stored.refresh_token!,
          ...(discovery.authorizationServerMetadata === undefined
            ? {}
            : { metadata: discovery.authorizationServerMetadata }),
          ...(resource === undefined ? {} : { resource }),
        });
        // `issuer` binds the tokens to this authorization server, as the SDK's auth() does.
        return stampTokens(
          { ...tokens, issuer: discovery.authorizationServerUrl },
          client.client_id,
        );
      } catch (cause) {
        const refused = cause instanceof OAuthError && !(cause instanceof ServerError);
        throw authRequired(
          server.name,
          `Refreshing the OAuth token of server "${server.name}" failed (${
            refused ? "the authorization server refused it: " : ""
          }${cause instanceof Error ? cause.message : String(cause)})`,
          { cause, refused },
        );
      }
    });
  }

  async #update(change: (record: AuthRecord) => AuthRecord): Promise<void> {
    await this.#store.update(this.#server.url, (record) =>
      change({
        ...(record ?? { serverUrl: this.#server.url }),
        serverName: this.#server.name,
      }));
  }
}

const OAUTH_DEFAULTS: OAuthSettings = {
  clientId: undefined,
  clientSecret: undefined,
  scopes: undefined,
  redirectPort: undefined,
};
