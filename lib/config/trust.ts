/**
 * Trust stores and proxies: which variables a stdio server inherits so that Deno, Node (npx) and
 * Python (uvx) can download code through a corporate CA or proxy, and how a TLS trust failure in
 * a server's output becomes one line naming the variable to set.
 *
 * @module
 */
import { basename } from "node:path";

/**
 * Variables that tell child programs which certificate authorities to trust and which proxy to
 * use. They are passed to every stdio server when set in mcpx's environment.
 */
export const TRUST_ENV_VARS: readonly string[] = [
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "NPM_CONFIG_CAFILE",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
];

/** Messages Deno (rustls), Node (OpenSSL) and Python print when a certificate is not trusted. */
const UNTRUSTED = new RegExp(
  [
    "invalid peer certificate: \\w+",
    "UnknownIssuer",
    "unable to get local issuer certificate",
    "self[- ]signed certificate in certificate chain",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "CERTIFICATE_VERIFY_FAILED",
  ].join("|"),
  "i",
);

/** The messages of `error` and of its chain of causes, joined, to search for a TLS failure. */
export function errorChainText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join("; ");
}

/** Which runtime a command is, for choosing the variable to name. */
function runtimeOf(command: string): "deno" | "node" | "python" | "other" {
  const name = basename(command).replace(/\.(exe|cmd)$/i, "");
  if (name === "deno") return "deno";
  if (["node", "npx", "npm", "pnpm", "bunx", "yarn"].includes(name)) return "node";
  if (/^(uvx?|python[\d.]*|pipx)$/.test(name)) return "python";
  return "other";
}

/** What to suggest per runtime. */
const VARIABLES = {
  deno: ["DENO_CERT", "DENO_TLS_CA_STORE=system"],
  node: ["NODE_EXTRA_CA_CERTS"],
  python: ["SSL_CERT_FILE"],
  other: ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "DENO_CERT"],
} as const;

/** What each runtime reads (Deno also reads NODE_EXTRA_CA_CERTS), to name a set culprit. */
const READ = {
  deno: ["DENO_CERT", "NODE_EXTRA_CA_CERTS"],
  node: ["NODE_EXTRA_CA_CERTS"],
  python: ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"],
  other: ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "DENO_CERT"],
} as const;

/**
 * When `output` (a server's stderr, or an error message) shows a TLS trust failure, the one-line
 * advice naming the variable to set; otherwise `undefined`.
 *
 * @example
 * ```ts
 * import { tlsTrustHint } from "./trust.ts";
 * const hint = tlsTrustHint("invalid peer certificate: UnknownIssuer", { command: "deno", env: {} });
 * console.assert(hint?.includes("DENO_CERT=/path/to/ca.pem") === true);
 * console.assert(tlsTrustHint("all good", { command: "deno", env: {} }) === undefined);
 * ```
 */
export function tlsTrustHint(
  output: string,
  context: { command?: string; env: Readonly<Record<string, string>> },
): string | undefined {
  const match = UNTRUSTED.exec(output);
  if (match === null) return undefined;
  const runtime = context.command === undefined ? "deno" : runtimeOf(context.command);
  const names = VARIABLES[runtime];
  const set = READ[runtime].filter((name) => context.env[name]);
  const advice = set.length > 0
    ? `${set.map((name) => `${name}=${context.env[name]}`).join(", ")} is set but does not ` +
      `hold the CA that signed the certificate (point it at your organisation's CA bundle)`
    : `if your network uses its own certificate authority, set ${
      names.map((name) => name.includes("=") ? name : `${name}=/path/to/ca.pem`).join(" or ")
    } in mcpx's environment (stdio servers inherit it)`;
  return `TLS certificate not trusted (${match[0]}): ${advice}`;
}
