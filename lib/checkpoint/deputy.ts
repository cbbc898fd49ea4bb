/**
 * Confused-deputy limits: a granted server reaches what the sandboxed code may not (a loopback
 * admin port, the cloud metadata address). The `block-private-urls` decision refuses a call
 * when any string in its arguments, at any depth, is a URL whose host is a loopback, private,
 * link-local or otherwise local address: an IP literal in such a range, `localhost` or a
 * `*.localhost` name, or a name that resolves (A/AAAA) to such an address.
 *
 * @module
 */
import { privateRangeOf } from "../sandbox/net_deny.ts";

/** A URL argument pointing at a local address. */
export interface PrivateUrl {
  /** Where it is in the arguments, e.g. `data` or `request.urls[0]`. */
  readonly path: string;
  /** The host it names. */
  readonly host: string;
  /** What kind of address that is, e.g. `IPv4 loopback`. */
  readonly range: string;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const MAX_DEPTH = 16;

function* urlStrings(value: unknown, path: string, depth = 0): Generator<[string, URL]> {
  if (depth > MAX_DEPTH) return;
  if (typeof value === "string") {
    if (!URL_LIKE.test(value.trim())) return;
    try {
      yield [path, new URL(value.trim())];
    } catch {
      // Not a URL after all.
    }
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* urlStrings(value[i], `${path}[${i}]`, depth + 1);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      yield* urlStrings(item, path === "" ? key : `${path}.${key}`, depth + 1);
    }
  }
}

async function rangeOf(host: string): Promise<string | undefined> {
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "") return undefined;
  const literal = privateRangeOf(name);
  if (literal !== undefined) return literal;
  if (name === "localhost" || name.endsWith(".localhost")) return "loopback name";
  if (/^[\d.]+$/.test(name) || name.startsWith("[")) return undefined; // a public literal
  // A name: what it resolves to now (the server resolves it again; see docs/security.md).
  const signal = AbortSignal.timeout(2000);
  const answers = await Promise.all(
    (["A", "AAAA"] as const).map((type) =>
      Deno.resolveDns(name, type, { signal }).catch(() => [] as string[])
    ),
  );
  for (const address of answers.flat()) {
    const range = privateRangeOf(address);
    if (range !== undefined) return `${range}, via DNS ${address}`;
  }
  return undefined;
}

/**
 * The first URL in `args` that points at a local address, or `undefined`.
 *
 * @example
 * ```ts
 * import { findPrivateUrl } from "./deputy.ts";
 * const hit = await findPrivateUrl({ data: "http://127.0.0.1:8080/admin" });
 * console.assert(hit?.path === "data" && hit.range === "IPv4 loopback");
 * ```
 */
export async function findPrivateUrl(
  args: Readonly<Record<string, unknown>>,
): Promise<PrivateUrl | undefined> {
  for (const [path, url] of urlStrings(args, "")) {
    const range = await rangeOf(url.hostname);
    if (range !== undefined) return { path, host: url.hostname, range };
  }
  return undefined;
}
