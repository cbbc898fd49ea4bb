/**
 * Checks every HTTP request before the MCP transport sees it: DNS-rebinding protection (Host and
 * Origin must name this server) and the optional bearer token.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";

/** The Host values a server bound to `host:port` accepts: the loopback names for a loopback or
 * wildcard bind (other names of a wildcard bind need `--allowed-host`), else the address. */
export function allowedHostsFor(host: string, port: number): Set<string> {
  const loopback = ["127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "::", "[::]"];
  const names = loopback.includes(host) ? ["127.0.0.1", "localhost", "[::1]"] : [bracket(host)];
  return new Set(names.map((name) => `${name}:${port}`.toLowerCase()));
}

function bracket(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Returns a refusal (403 or 401) for a request that must not reach the transport, else `undefined`. */
export function refuse(
  request: Request,
  allowedHosts: ReadonlySet<string>,
  token: string | undefined,
): Response | undefined {
  const host = request.headers.get("host")?.toLowerCase();
  if (host === undefined || !allowedHosts.has(host)) {
    return problem(403, `Host "${host ?? ""}" is not allowed (DNS-rebinding protection)`);
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !allowedHosts.has(originHost(origin))) {
    return problem(403, `Origin "${origin}" is not allowed (DNS-rebinding protection)`);
  }
  if (token !== undefined && !bearerMatches(request.headers.get("authorization"), token)) {
    return problem(401, "Missing or wrong bearer token", { "WWW-Authenticate": "Bearer" });
  }
  return undefined;
}

function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    const port = url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port;
    return `${url.hostname}:${port}`.toLowerCase();
  } catch {
    return "";
  }
}

function bearerMatches(header: string | null, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (match === null) return false;
  const given = new TextEncoder().encode(match[1]!.trim());
  const wanted = new TextEncoder().encode(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** What {@linkcode readBodyCapped} found: the body's text, or that it exceeded the cap. */
export type CappedBody = { readonly text: string } | { readonly tooLarge: true };

/**
 * Reads a request body however it is framed (`Content-Length` or `Transfer-Encoding: chunked`),
 * counting bytes as they arrive and stopping at the first byte past `maxBytes`: a declared
 * length over the cap is refused before anything is read, and an undeclared one never gets
 * more than `maxBytes + 1` bytes into memory.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<CappedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    return { tooLarge: true };
  }
  if (request.body === null) return { text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { tooLarge: true };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(body) };
}

/** A JSON-RPC error body with an HTTP status, as the SDK's transport answers. */
export function problem(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32000, message }, id: null },
    { status, headers },
  );
}
