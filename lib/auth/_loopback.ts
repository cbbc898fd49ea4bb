/**
 * The loopback redirect receiver of a login (RFC 8252 §7.3): an HTTP listener on 127.0.0.1 that
 * answers `GET /callback` once and hands its query to the login flow.
 *
 * @module
 */
import { ClientError } from "../errors.ts";

/** A listening receiver. */
export interface LoopbackReceiver extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/callback`. */
  readonly redirectUrl: string;
  /** Resolves with the query of the first request to `/callback`. */
  readonly received: Promise<URLSearchParams>;
  /** Stops listening. */
  close(): Promise<void>;
}

const PAGE = (text: string) =>
  new Response(
    `<!doctype html><meta charset="utf-8"><title>mcpx</title><p>${text}</p>`,
    { headers: { "content-type": "text/html; charset=utf-8" } },
  );

/** Listens on `port` (0: an ephemeral one) of 127.0.0.1. */
export function listenForRedirect(port: number): LoopbackReceiver {
  let deliver!: (query: URLSearchParams) => void;
  const received = new Promise<URLSearchParams>((resolve) => deliver = resolve);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (request) => {
      const url = new URL(request.url);
      if (request.method !== "GET" || url.pathname !== "/callback") {
        return new Response("not found", { status: 404 });
      }
      deliver(url.searchParams);
      return url.searchParams.has("code")
        ? PAGE("mcpx received the authorization. You can close this tab.")
        : PAGE("mcpx received an answer without an authorization code; see the terminal.");
    });
  } catch (cause) {
    if (cause instanceof Deno.errors.AddrInUse) {
      throw new ClientError(
        "CONNECT_FAILED",
        `Cannot receive the OAuth redirect: port ${port} on 127.0.0.1 is in use; free it or ` +
          `change "oauth.redirectPort" in mcp_config.json.`,
        { cause },
      );
    }
    throw cause;
  }
  const close = async () => {
    await server.shutdown();
  };
  return {
    redirectUrl: `http://127.0.0.1:${server.addr.port}/callback`,
    received,
    close,
    [Symbol.asyncDispose]: close,
  };
}
