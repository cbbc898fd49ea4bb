import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import { parseConfig } from "../../lib/config/parse.ts";
import type { HttpServerConfig } from "../../lib/config/types.ts";
import { maskSecrets } from "../../lib/config/mask.ts";

const PATH = "/project/mcp_config.json";

async function parse(entry: string, env: Record<string, string> = {}) {
  return await parseConfig(`{ "mcpServers": { "api": ${entry} } }`, {
    path: PATH,
    env,
    cwd: "/project",
  });
}

async function errorOf(entry: string): Promise<string> {
  try {
    await parse(entry);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.message;
  }
  assert.fail(`expected ${entry} to be rejected`);
}

Deno.test("oauth settings: a pre-registered client with an interpolated secret", async () => {
  const config = await parse(
    '{ "url": "https://x.example/mcp", "oauth": { "clientId": "c1", "clientSecret": "${env:SECRET}", "scopes": ["read"], "redirectPort": 8765 } }',
    { SECRET: "s" },
  );
  const server = config.servers.api as HttpServerConfig;
  assert.deepEqual(server.oauth, {
    clientId: "c1",
    clientSecret: "s",
    scopes: ["read"],
    redirectPort: 8765,
  });
  assert.deepEqual(config.warnings, []);
});

Deno.test('oauth settings: "auth": "oauth" and "oauth": {} mean dynamic registration; neither means none', async () => {
  for (const entry of ['"auth": "oauth"', '"oauth": {}']) {
    const server = (await parse(`{ "url": "https://x.example/mcp", ${entry} }`)).servers
      .api as HttpServerConfig;
    assert.deepEqual(server.oauth, {
      clientId: undefined,
      clientSecret: undefined,
      scopes: undefined,
      redirectPort: undefined,
    });
  }
  const plain = (await parse('{ "url": "https://x.example/mcp" }')).servers.api as HttpServerConfig;
  assert.equal(plain.oauth, undefined);
});

Deno.test("oauth settings: each mistake is one line naming the JSON path and the fix", async () => {
  const cases: [string, string][] = [
    [
      '{ "url": "https://x/mcp", "oauth": { "clientID": "c" } }',
      'mcp_config.json: mcpServers.api.oauth: unknown key "clientID" (use clientId, clientSecret, scopes, redirectPort)',
    ],
    [
      '{ "url": "https://x/mcp", "oauth": { "clientSecret": "s" } }',
      'mcp_config.json: mcpServers.api.oauth.clientSecret: needs "clientId" (a secret belongs to a pre-registered client)',
    ],
    [
      '{ "url": "https://x/mcp", "oauth": { "redirectPort": 70000 } }',
      "mcp_config.json: mcpServers.api.oauth.redirectPort: expected a port number from 1 to 65535, got number 70000",
    ],
    [
      '{ "url": "https://x/mcp", "oauth": { "scopes": "read" } }',
      'mcp_config.json: mcpServers.api.oauth.scopes: expected an array of strings, got string "read" (write "scopes": ["read", "write"])',
    ],
    [
      '{ "url": "https://x/mcp", "oauth": true }',
      'mcp_config.json: mcpServers.api.oauth: expected an object, got boolean true (write "oauth": { "clientId": "…" } or {} for registration)',
    ],
    [
      '{ "url": "https://x/mcp", "auth": "bearer" }',
      'mcp_config.json: mcpServers.api.auth: expected "oauth", got string "bearer" (or remove "auth")',
    ],
    [
      '{ "command": "srv", "oauth": {} }',
      'mcp_config.json: mcpServers.api.oauth: OAuth is for HTTP servers (remove it, or give a "url" instead of "command")',
    ],
  ];
  for (const [entry, message] of cases) assert.equal(await errorOf(entry), message);
});

Deno.test("maskSecrets() masks oauth.clientSecret for mcpx config", async () => {
  const server = (await parse(
    '{ "url": "https://x.example/mcp", "oauth": { "clientId": "c1", "clientSecret": "a-long-client-secret" } }',
  )).servers.api as HttpServerConfig;
  const shown = maskSecrets(server);
  assert.equal(shown.oauth?.clientSecret, "a-…(masked)");
  assert.equal(shown.oauth?.clientId, "c1");
  assert.equal(server.oauth?.clientSecret, "a-long-client-secret");
});
