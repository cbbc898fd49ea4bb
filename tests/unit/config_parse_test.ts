import assert from "node:assert/strict";
import { parseConfig } from "../../lib/config/parse.ts";
import { DEFAULT_SANDBOX } from "../../lib/config/defaults.ts";
import type { HttpServerConfig, StdioServerConfig } from "../../lib/config/types.ts";
import { ROOT } from "../helpers/paths.ts";

const FIXTURES = `${ROOT}/tests/fixtures/config`;

async function parseFixture(name: string, env: Record<string, string> = {}) {
  const path = `${FIXTURES}/${name}`;
  return await parseConfig(Deno.readTextFileSync(path), { path, env, cwd: ROOT });
}

async function parse(text: string, env: Record<string, string> = {}) {
  return await parseConfig(text, { path: "/project/mcp_config.json", env, cwd: "/project" });
}

Deno.test("parseConfig() reads a Claude Desktop file unchanged", async () => {
  const config = await parseFixture("claude_desktop.json");
  assert.equal(config.path, `${FIXTURES}/claude_desktop.json`);
  assert.equal(config.root, FIXTURES);
  assert.deepEqual(Object.keys(config.servers), ["filesystem", "github"]);
  assert.deepEqual(
    config.servers.github,
    {
      name: "github",
      type: "stdio",
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-github"],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_0123456789abcdefghij" },
      cwd: FIXTURES,
      disabled: false,
      timeoutMs: 60_000,
      normalize: "none",
    } satisfies StdioServerConfig,
  );
  assert.deepEqual(config.sandbox, DEFAULT_SANDBOX);
  assert.deepEqual(config.warnings, []);
});

Deno.test("parseConfig() reads a Claude Code file: http + headers, sse, streamableHttp, ${VAR}", async () => {
  const env = { SENTRY_TOKEN: "sntrys_abc", DSN: "postgres://db", HOME: "/home/me" };
  const config = await parseFixture("claude_code.json", env);
  assert.deepEqual(
    config.servers.sentry,
    {
      name: "sentry",
      type: "http",
      url: "https://mcp.sentry.dev/mcp",
      headers: { Authorization: "Bearer sntrys_abc" },
      fallbackToSse: false,
      disabled: false,
      timeoutMs: 60_000,
      normalize: "none",
    } satisfies HttpServerConfig,
  );
  assert.equal(config.servers.linear?.type, "sse");
  const local = config.servers.local as HttpServerConfig;
  assert.equal(local.type, "http");
  assert.equal(local.url, "http://127.0.0.1:3000/mcp", "the ${env:PORT:-3000} fallback applies");
  const db = config.servers.db as StdioServerConfig;
  assert.equal(db.command, "/home/me/bin/db-mcp");
  assert.deepEqual(db.args, ["--dsn", "postgres://db"]);
  assert.equal(db.cwd, `${ROOT}/tests/fixtures/data`, "a relative cwd resolves against the file");
});

Deno.test("parseConfig() infers the transport when type is omitted", async (t) => {
  await t.step("command means stdio, with the config folder as cwd", async () => {
    const server = (await parse('{"mcpServers": {"a": {"command": "x"}}}')).servers.a;
    assert.equal(server?.type, "stdio");
    assert.equal((server as StdioServerConfig).cwd, "/project");
  });
  await t.step("url means http with fallback to SSE", async () => {
    const server =
      (await parse('{"mcpServers": {"a": {"url": "http://127.0.0.1:9/mcp"}}}')).servers.a;
    assert.equal(server?.type, "http");
    assert.equal((server as HttpServerConfig).fallbackToSse, true);
  });
  await t.step('"streamable-http" and Cline\'s transportType are aliases', async () => {
    const config = await parse(`{"mcpServers": {
      "a": {"type": "streamable-http", "url": "http://127.0.0.1:9/mcp"},
      "b": {"transportType": "sse", "url": "http://127.0.0.1:9/sse"}}}`);
    assert.equal(config.servers.a?.type, "http");
    assert.equal(config.servers.b?.type, "sse");
    assert.equal((config.servers.b as HttpServerConfig).fallbackToSse, false);
  });
});

Deno.test("parseConfig() keeps disabled servers, timeouts and normalize settings", async () => {
  const config = await parse(`{"mcpServers": {
    "a": {"command": "x", "disabled": true, "timeout": 2.5, "normalize": "camelCase"},
    "b": {"command": "y", "normalize": {"map": {"Full_Name": "fullName"}}}}}`);
  assert.equal(config.servers.a?.disabled, true);
  assert.equal(config.servers.a?.timeoutMs, 2500);
  assert.equal(config.servers.a?.normalize, "camelCase");
  assert.deepEqual(config.servers.b?.normalize, { map: { Full_Name: "fullName" } });
});

Deno.test("parseConfig() interpolates ${env:VAR} in command, args, env, cwd, url and headers", async () => {
  const env = { BIN: "/opt/bin", DIR: "/data", KEY: "k1", HOST: "127.0.0.1" };
  const config = await parse(
    `{"mcpServers": {
    "a": {"command": "\${env:BIN}/srv", "args": ["--dir=\${env:DIR}", "$\${env:DIR}"],
          "env": {"API_KEY": "\${env:KEY}", "MODE": "\${env:MODE:-dev}"}, "cwd": "\${env:DIR}"},
    "b": {"url": "http://\${env:HOST}:8080/mcp", "headers": {"X-Key": "\${KEY}"}}}}`,
    env,
  );
  const a = config.servers.a as StdioServerConfig;
  assert.equal(a.command, "/opt/bin/srv");
  assert.deepEqual(a.args, ["--dir=/data", "${env:DIR}"], "$${ escapes a literal ${");
  assert.deepEqual(a.env, { API_KEY: "k1", MODE: "dev" });
  assert.equal(a.cwd, "/data");
  const b = config.servers.b as HttpServerConfig;
  assert.equal(b.url, "http://127.0.0.1:8080/mcp");
  assert.deepEqual(b.headers, { "X-Key": "k1" });
});

Deno.test("parseConfig() warns about unknown keys without failing, and ignores other clients' keys", async () => {
  const config = await parse(`{"mcpServers": {
    "a": {"command": "x", "comand": "y", "alwaysAllow": ["t"], "autoApprove": [], "description": "d"},
    "b": {"url": "http://127.0.0.1:9/mcp", "env": {"A": "1"}}},
    "sandbox": {"memory": "1g"}, "globalShortcut": "Ctrl+Space"}`);
  assert.deepEqual(config.warnings, [
    "mcp_config.json: globalShortcut: unknown key, ignored",
    'mcp_config.json: mcpServers.a.comand: unknown key, ignored (did you mean "command"?)',
    "mcp_config.json: sandbox.memory: unknown key, ignored",
    "mcp_config.json: mcpServers.b.env: not used by an HTTP (http) server, ignored",
  ]);
  assert.equal(config.servers.a?.type, "stdio");
});

Deno.test("parseConfig() reads the sandbox section with units, aliases and reference keys", async (t) => {
  await t.step("reference-system keys: enabled means podman; sizes and string cpus", async () => {
    const config = await parseFixture("reference_sandbox.json");
    assert.deepEqual(config.sandbox, {
      ...DEFAULT_SANDBOX,
      tier: "podman",
      image: "python:3.11-slim",
      memoryMb: 1024,
      cpus: 1.5,
      timeoutSeconds: 30,
      maxTimeoutSeconds: 120,
    });
  });
  await t.step("camelCase aliases, explicit tier wins over enabled, output sizes", async () => {
    const config = await parse(`{"sandbox": {"tier": "deno", "enabled": true, "allowTrusted": true,
      "memoryLimit": 256, "cpuLimit": 2, "pidsLimit": 32, "maxTimeout": 60, "timeout": 10,
      "outputLimit": "64k"}}`);
    assert.deepEqual(config.sandbox, {
      tier: "deno",
      allowTrusted: true,
      image: undefined,
      ociRuntime: undefined,
      requireOsIsolation: false,
      memoryMb: 256,
      cpus: 2,
      pidsLimit: 32,
      timeoutSeconds: 10,
      maxTimeoutSeconds: 60,
      outputLimitBytes: 65536,
    });
  });
  await t.step(
    "runtime names the podman tier's OCI runtime; podman and auto leave it open",
    async () => {
      assert.equal((await parse('{"sandbox": {"runtime": "runsc"}}')).sandbox.ociRuntime, "runsc");
      assert.equal(
        (await parse('{"sandbox": {"runtime": "podman"}}')).sandbox.ociRuntime,
        undefined,
      );
      assert.equal((await parse('{"sandbox": {"runtime": "auto"}}')).sandbox.ociRuntime, undefined);
    },
  );
  await t.step(
    "require_os_isolation (or requireOsIsolation) makes the second wall required",
    async () => {
      assert.equal((await parse("{}")).sandbox.requireOsIsolation, false);
      assert.equal(
        (await parse('{"sandbox": {"require_os_isolation": true}}')).sandbox.requireOsIsolation,
        true,
      );
      assert.equal(
        (await parse('{"sandbox": {"requireOsIsolation": true}}')).sandbox.requireOsIsolation,
        true,
      );
    },
  );
  await t.step("a max_timeout below the default timeout lowers the default", async () => {
    const sandbox = (await parse('{"sandbox": {"max_timeout": 30}}')).sandbox;
    assert.equal(sandbox.timeoutSeconds, 30);
    assert.equal(sandbox.maxTimeoutSeconds, 30);
  });
});

Deno.test("the repository's mcp_config.json loads with its 3 servers", async () => {
  const path = `${ROOT}/mcp_config.json`;
  const config = await parseConfig(Deno.readTextFileSync(path), { path, env: {}, cwd: ROOT });
  assert.deepEqual(Object.keys(config.servers), ["everything", "filesystem", "memory"]);
  assert.deepEqual(config.warnings, []);
  for (const server of Object.values(config.servers)) {
    assert.equal(server.type, "stdio");
    assert.equal((server as StdioServerConfig).command, "deno");
    assert.equal((server as StdioServerConfig).cwd, ROOT);
  }
});

Deno.test("parseConfig() resolves ${configDir} to the config file's folder", async () => {
  const config = await parseConfig(
    JSON.stringify({
      mcpServers: {
        memory: {
          command: "deno",
          env: { MEMORY_FILE_PATH: "${configDir}/workspace/memory.jsonl" },
        },
      },
    }),
    { path: "/project/sub/mcp_config.json", env: {} },
  );
  const memory = config.servers.memory as StdioServerConfig;
  assert.equal(memory.env.MEMORY_FILE_PATH, "/project/sub/workspace/memory.jsonl");
});
