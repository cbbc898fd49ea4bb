/**
 * Masking secrets for display (`mcpx config`, logs). Values of `env` and `headers` entries whose
 * key looks secret, the password of a URL, URL query parameters whose name looks secret, and
 * values following secret-looking flags in `args` (`--api-key X`, `--token=X`) are replaced by a
 * short prefix and `…(masked)`.
 *
 * @module
 */
import type { ServerConfig } from "./types.ts";

const SECRET_WORDS = new Set([
  "token",
  "key",
  "secret",
  "password",
  "passwd",
  "pwd",
  "pass",
  "authorization",
  "auth",
  "credential",
  "credentials",
  "cookie",
  "apikey",
  "session",
]);
const SECRET_PARTS = /token|secret|passw|credential|apikey|authoriz/i;

/**
 * Whether a key (env variable, header, query parameter or flag name) looks like it holds a secret.
 *
 * @example
 * ```ts
 * import { isSecretKey } from "./mask.ts";
 * console.assert(isSecretKey("GITHUB_PERSONAL_ACCESS_TOKEN") && isSecretKey("X-Api-Key"));
 * console.assert(!isSecretKey("MEMORY_FILE_PATH") && !isSecretKey("keyboard"));
 * ```
 */
export function isSecretKey(key: string): boolean {
  if (SECRET_PARTS.test(key)) return true;
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word));
}

/**
 * Masks one secret value, keeping an auth scheme (`Bearer`) and at most 2 leading characters of
 * values of 12 characters or more, so two tokens can still be told apart.
 *
 * @example
 * ```ts
 * import { maskValue } from "./mask.ts";
 * console.assert(maskValue("Bearer abcdefghijklmnop") === "Bearer ab…(masked)");
 * console.assert(maskValue("hunter2") === "…(masked)");
 * ```
 */
export function maskValue(value: string): string {
  const scheme = /^(Bearer|Basic|Token|Bot)\s+/i.exec(value);
  const prefix = scheme?.[0] ?? "";
  const secret = value.slice(prefix.length);
  const kept = secret.length >= 12 ? secret.slice(0, 2) : "";
  return `${prefix}${kept}…(masked)`;
}

function maskMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => [key, isSecretKey(key) ? maskValue(value) : value]),
  );
}

function maskUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  if (url.password !== "") [url.password, changed] = ["masked", true];
  for (const [name, value] of [...url.searchParams]) {
    if (isSecretKey(name)) [changed] = [true, url.searchParams.set(name, maskValue(value))];
  }
  return changed ? decodeURI(url.href) : text;
}

function maskArgs(args: readonly string[]): string[] {
  const masked: string[] = [];
  let hideNext = false;
  for (const arg of args) {
    const flag = /^(--?[A-Za-z0-9][\w-]*)(=(.*))?$/s.exec(arg);
    if (hideNext && flag === null) masked.push(maskValue(arg));
    else if (flag?.[2] !== undefined && isSecretKey(flag[1]!)) {
      masked.push(`${flag[1]}=${maskValue(flag[3]!)}`);
    } else masked.push(arg);
    hideNext = flag !== null && flag[2] === undefined && isSecretKey(flag[1]!);
  }
  return masked;
}

/**
 * A copy of `server` that is safe to print: secret-looking values in `env`, `headers`, `url`
 * and `args`, and `oauth.clientSecret`, are masked (see the module doc). Everything else is
 * unchanged.
 *
 * @example
 * ```ts
 * import { maskSecrets } from "./mask.ts";
 * const shown = maskSecrets({
 *   name: "api", type: "http", url: "https://api.example/mcp", fallbackToSse: false,
 *   headers: { Authorization: "Bearer abcdefghijklmnop" },
 *   disabled: false, timeoutMs: 60000, normalize: "none",
 * });
 * console.assert(shown.type === "http" && shown.headers.Authorization === "Bearer ab…(masked)");
 * ```
 */
export function maskSecrets<S extends ServerConfig>(server: S): S {
  if (server.type === "stdio") {
    return { ...server, args: maskArgs(server.args), env: maskMap(server.env) };
  }
  const oauth = server.oauth?.clientSecret === undefined
    ? {}
    : { oauth: { ...server.oauth, clientSecret: maskValue(server.oauth.clientSecret) } };
  return { ...server, url: maskUrl(server.url), headers: maskMap(server.headers), ...oauth };
}
