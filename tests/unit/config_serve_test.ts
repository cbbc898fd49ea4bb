/**
 * The `serve` section of mcp_config.json: defaults that follow the sandbox section, and one-line
 * errors naming the JSON path for every bad value.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import { parseConfig } from "../../lib/config/parse.ts";

const SERVERS = '"mcpServers": { "git": { "command": "uvx" }, "web": { "url": "http://x/" } }';

async function parse(text: string) {
  return await parseConfig(text, { path: "/project/mcp_config.json", env: {}, cwd: "/project" });
}

async function errorOf(serve: string): Promise<string> {
  try {
    await parse(`{ ${SERVERS}, "serve": ${serve} }`);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.message;
  }
  assert.fail(`expected ${serve} to be rejected`);
}

Deno.test("serve section: defaults follow the sandbox section", async () => {
  const config = await parse(
    `{ ${SERVERS}, "sandbox": { "tier": "podman", "allow_trusted": true } }`,
  );
  assert.deepEqual(config.serve, {
    allowNet: [],
    tier: "podman",
    allowTrusted: true,
    servers: [],
  });
});

Deno.test("serve section: every key is read", async () => {
  const config = await parse(`{ ${SERVERS}, "serve": {
    "allow_net": ["127.0.0.1:8080", "api.example.com", "[::1]:9000"],
    "tier": "trusted", "allow_trusted": false, "servers": ["web"] } }`);
  assert.deepEqual(config.serve, {
    allowNet: ["127.0.0.1:8080", "api.example.com", "[::1]:9000"],
    tier: "trusted",
    allowTrusted: false,
    servers: ["web"],
  });
  assert.deepEqual(config.warnings, []);
});

Deno.test("serve section: bad values are one line naming the JSON path", async (t) => {
  const cases: [string, string, string][] = [
    [
      "a URL in allow_net",
      '{ "allow_net": ["https://api.example.com/v1"] }',
      'mcp_config.json: serve.allow_net[0]: expected a host or host:port like "api.example.com" ' +
      'or "127.0.0.1:8080", got "https://api.example.com/v1" (no scheme, path or wildcard)',
    ],
    [
      "a port out of range",
      '{ "allow_net": ["localhost:70000"] }',
      'mcp_config.json: serve.allow_net[0]: expected a host or host:port like "api.example.com" ' +
      'or "127.0.0.1:8080", got "localhost:70000" (no scheme, path or wildcard)',
    ],
    [
      "allow_net not a list",
      '{ "allow_net": "127.0.0.1" }',
      'mcp_config.json: serve.allow_net: expected a list of hosts, e.g. ["127.0.0.1:8080"], ' +
      'got string "127.0.0.1"',
    ],
    [
      "an unknown tier",
      '{ "tier": "docker" }',
      'mcp_config.json: serve.tier: unknown tier "docker" (use "deno", "podman" or "trusted")',
    ],
    [
      "allow_trusted not a boolean",
      '{ "allow_trusted": "yes" }',
      'mcp_config.json: serve.allow_trusted: expected true or false, got string "yes"',
    ],
    [
      "an unknown default server",
      '{ "servers": ["git", "gti"] }',
      'mcp_config.json: serve.servers[1]: unknown server "gti" (configured: git, web)',
    ],
    [
      "serve not an object",
      "[]",
      'mcp_config.json: serve: expected an object, got an array (write "serve": { "allow_net": ' +
      '["127.0.0.1:8080"] })',
    ],
  ];
  for (const [name, serve, message] of cases) {
    await t.step(name, async () => assert.equal(await errorOf(serve), message));
  }
});

Deno.test("serve section: an unknown key is a warning with a did-you-mean", async () => {
  const config = await parse(`{ ${SERVERS}, "serve": { "allowNet": ["x.example"] } }`);
  assert.deepEqual(config.warnings, [
    'mcp_config.json: serve.allowNet: unknown key, ignored (did you mean "allow_net"?)',
  ]);
});
