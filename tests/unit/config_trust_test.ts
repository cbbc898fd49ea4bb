import assert from "node:assert/strict";
import { errorChainText, tlsTrustHint } from "../../lib/config/trust.ts";

Deno.test("tlsTrustHint() names the variable of the server's runtime", async (t) => {
  const cases: [command: string, output: string, env: Record<string, string>, hint: string][] = [
    [
      "npx",
      "npm ERR! request to https://registry.npmjs.org/x failed, reason: unable to get local issuer certificate",
      {},
      "TLS certificate not trusted (unable to get local issuer certificate): if your network uses " +
      "its own certificate authority, set NODE_EXTRA_CA_CERTS=/path/to/ca.pem in mcpx's " +
      "environment (stdio servers inherit it)",
    ],
    [
      "/usr/local/bin/uvx",
      "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain",
      {},
      "TLS certificate not trusted (CERTIFICATE_VERIFY_FAILED): if your network " +
      "uses its own certificate authority, set SSL_CERT_FILE=/path/to/ca.pem in mcpx's " +
      "environment (stdio servers inherit it)",
    ],
    [
      "deno",
      "error: invalid peer certificate: UnknownIssuer",
      { NODE_EXTRA_CA_CERTS: "/etc/ca.pem" },
      "TLS certificate not trusted (invalid peer certificate: UnknownIssuer): " +
      "NODE_EXTRA_CA_CERTS=/etc/ca.pem is set but does not hold the CA that signed the " +
      "certificate (point it at your organisation's CA bundle)",
    ],
  ];
  for (const [command, output, env, hint] of cases) {
    await t.step(command, () => assert.equal(tlsTrustHint(output, { command, env }), hint));
  }
  await t.step("other failures are not about trust", () => {
    assert.equal(
      tlsTrustHint("ECONNREFUSED 127.0.0.1:443", { command: "npx", env: {} }),
      undefined,
    );
  });
});

Deno.test("errorChainText() finds the TLS cause under a fetch failure", () => {
  const error = new TypeError("fetch failed", {
    cause: new Error("client error (Connect): invalid peer certificate: UnknownIssuer"),
  });
  assert.match(errorChainText(error), /fetch failed; .*UnknownIssuer/);
});
