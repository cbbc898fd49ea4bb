import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import { parseConfig } from "../../lib/config/parse.ts";

const PATH = "/project/mcp_config.json";

/** Parses `text` as /project/mcp_config.json (cwd /project) and returns the error thrown. */
async function errorOf(text: string, env: Record<string, string> = {}): Promise<ConfigError> {
  try {
    await parseConfig(text, { path: PATH, env, cwd: "/project" });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  assert.fail(`expected ${text} to be rejected`);
}

const servers = (entries: string) => `{ "mcpServers": { ${entries} } }`;

const BROKEN: [name: string, text: string, message: string][] = [
  [
    "invalid JSON (a bad literal)",
    '{\n  "mcpServers": {\n    "git": { "disabled": tru }\n  }\n}',
    'mcp_config.json:3:26: invalid JSON: unexpected "tru" (fix the syntax)',
  ],
  [
    "invalid JSON (a missing comma)",
    '{\n  "mcpServers": {}\n  "sandbox": {}\n}',
    'mcp_config.json:3:3: invalid JSON: expected "," between entries (fix the syntax)',
  ],
  [
    "a server name written twice in one file",
    '{\n  "mcpServers": {\n    "git": { "command": "a" },\n    "git": { "command": "b" }\n  }\n}',
    'mcp_config.json:4:5: mcpServers: "git" is defined twice (first on line 3; mcpx will not ' +
    "guess which one you meant: rename or remove one)",
  ],
  [
    "an empty file",
    "",
    'mcp_config.json:1:1: invalid JSON: the file is empty (write { "mcpServers": {} })',
  ],
  [
    "a top-level array",
    "[]",
    'mcp_config.json: expected a JSON object, got an array (write { "mcpServers": { … } })',
  ],
  [
    "mcpServers not an object",
    '{ "mcpServers": ["git"] }',
    "mcp_config.json: mcpServers: expected an object mapping server names to entries, got an " +
    'array (write "mcpServers": { "<name>": { "command": "<program>" } })',
  ],
  [
    "a server entry that is a string",
    servers('"git": "uvx mcp-server-git"'),
    'mcp_config.json: mcpServers.git: expected an object, got string "uvx mcp-server-git" ' +
    '(write "<name>": { "command": "<program>" })',
  ],
  [
    "a stdio server without command",
    servers('"git": { "args": ["mcp-server-git"] }'),
    'mcp_config.json: mcpServers.git.command: required for a stdio server (add "command": ' +
    '"<program>" or a "url")',
  ],
  [
    'an explicit "type": "stdio" without command',
    servers('"git": { "type": "stdio" }'),
    'mcp_config.json: mcpServers.git.command: required for a stdio server (add "command": ' +
    '"<program>")',
  ],
  [
    "an http server without url",
    servers('"api": { "type": "http", "headers": {} }'),
    'mcp_config.json: mcpServers.api.url: required for an HTTP server (add "url": "http://…", ' +
    'or use "command" for stdio)',
  ],
  [
    "url not a URL",
    servers('"api": { "url": "localhost:3000/mcp" }'),
    'mcp_config.json: mcpServers.api.url: expected an http(s) URL, got string "localhost:3000/mcp"' +
    ' (write e.g. "http://127.0.0.1:3000/mcp")',
  ],
  [
    "an unknown type",
    servers('"api": { "type": "websocket", "url": "http://127.0.0.1:1/" }'),
    'mcp_config.json: mcpServers.api.type: unknown type "websocket" (use "stdio", "sse" or "http")',
  ],
  [
    "args not an array",
    servers('"git": { "command": "uvx", "args": "mcp-server-git --repo ." }'),
    'mcp_config.json: mcpServers.git.args: expected an array of strings, got string "mcp-server-' +
    'git --repo ." (write "args": ["--flag", "value"])',
  ],
  [
    "args with a number",
    servers('"web": { "command": "web-mcp", "args": ["--port", 8080] }'),
    'mcp_config.json: mcpServers.web.args[1]: expected a string, got number 8080 (quote it: "8080")',
  ],
  [
    "an env value that is not a string",
    servers('"web": { "command": "web-mcp", "env": { "DEBUG": true } }'),
    "mcp_config.json: mcpServers.web.env.DEBUG: expected a string, got boolean true " +
    '(quote it: "true")',
  ],
  [
    "both command and url",
    servers('"git": { "command": "uvx", "url": "http://127.0.0.1:3000/mcp" }'),
    'mcp_config.json: mcpServers.git: has both "command" and "url" (keep "command" for a stdio ' +
    'server or "url" for an HTTP server)',
  ],
  [
    "an unknown client in imports",
    '{ "imports": ["cursor", "atom"] }',
    'mcp_config.json: imports[1]: unknown client "atom" (use one of: claude-code, ' +
    "claude-desktop, cursor, vscode, windsurf, gemini, codex, opencode)",
  ],
  [
    "an empty server name",
    servers('"": { "command": "uvx" }'),
    'mcp_config.json: mcpServers[""]: server name is empty (use a name like "git")',
  ],
  [
    "a server name with a slash",
    servers('"git/hub": { "command": "uvx" }'),
    'mcp_config.json: mcpServers["git/hub"]: server name must not contain slashes or control ' +
    'characters, start with a dot or be "__proto__" (it names a folder under servers/; rename it)',
  ],
  [
    'a server named "__proto__" (which would otherwise vanish silently)',
    servers('"__proto__": { "command": "uvx" }'),
    "mcp_config.json: mcpServers.__proto__: server name must not contain slashes or control " +
    'characters, start with a dot or be "__proto__" (it names a folder under servers/; rename it)',
  ],
  [
    "a negative server timeout",
    servers('"git": { "command": "uvx", "timeout": -5 }'),
    "mcp_config.json: mcpServers.git.timeout: expected a positive number of seconds, got number -5",
  ],
  [
    "disabled as a string",
    servers('"git": { "command": "uvx", "disabled": "yes" }'),
    'mcp_config.json: mcpServers.git.disabled: expected true or false, got string "yes"',
  ],
  [
    "an unknown normalize strategy",
    servers('"git": { "command": "uvx", "normalize": "snake_case" }'),
    'mcp_config.json: mcpServers.git.normalize: expected "none", "camelCase", "pascal-prefix" or ' +
    '{ "map": { "from": "to" } }, got string "snake_case"',
  ],
  [
    "timeout above max_timeout",
    '{ "sandbox": { "timeout": 900, "max_timeout": 300 } }',
    'mcp_config.json: sandbox.timeout: 900 exceeds max_timeout 300 (lower "timeout" or raise ' +
    '"max_timeout")',
  ],
  [
    "timeout above the default max_timeout",
    '{ "sandbox": { "timeout": 601 } }',
    'mcp_config.json: sandbox.timeout: 601 exceeds the default max_timeout 600 (lower "timeout" ' +
    'or raise "max_timeout")',
  ],
  [
    "a memory_limit that is not a size",
    '{ "sandbox": { "memory_limit": "lots" } }',
    'mcp_config.json: sandbox.memory_limit: expected a size like "512m" or "1g", or a number of ' +
    'MiB, got string "lots"',
  ],
  [
    "a memory_limit string without a unit",
    '{ "sandbox": { "memory_limit": "512" } }',
    'mcp_config.json: sandbox.memory_limit: expected a size like "512m" or "1g", or a number of ' +
    'MiB, got string "512" (add a unit: "512m")',
  ],
  [
    "runtime docker",
    '{ "sandbox": { "enabled": true, "runtime": "docker" } }',
    'mcp_config.json: sandbox.runtime: "docker" is not supported; mcpx needs rootless podman ' +
    '(set "runtime": "podman" or remove it)',
  ],
  [
    "unknown runtime",
    '{ "sandbox": { "runtime": "kata" } }',
    'mcp_config.json: sandbox.runtime: expected "podman", "auto", or an OCI runtime for podman: ' +
    '"runsc" (gVisor), "runc" or "crun", got string "kata"',
  ],
  [
    "negative pids_limit",
    '{ "sandbox": { "pids_limit": -1 } }',
    "mcp_config.json: sandbox.pids_limit: expected a positive integer, got number -1",
  ],
  [
    "an unknown tier",
    '{ "sandbox": { "tier": "docker" } }',
    'mcp_config.json: sandbox.tier: unknown tier "docker" (use "deno", "podman" or "trusted")',
  ],
  [
    "a snake_case key and its camelCase alias together",
    '{ "sandbox": { "memory_limit": "1g", "memoryLimit": 1024 } }',
    'mcp_config.json: sandbox.memoryLimit: both "memory_limit" and "memoryLimit" are set ' +
    "(keep one)",
  ],
  [
    "require_os_isolation that is not a boolean",
    '{ "sandbox": { "require_os_isolation": "yes" } }',
    'mcp_config.json: sandbox.require_os_isolation: expected true or false, got string "yes"',
  ],
  [
    "an output_limit of zero",
    '{ "sandbox": { "output_limit": 0 } }',
    "mcp_config.json: sandbox.output_limit: expected a positive number of bytes or a size like " +
    '"1m", got number 0',
  ],
];

Deno.test("parseConfig() rejects broken configs with one exact line naming file and path", async (t) => {
  for (const [name, text, message] of BROKEN) {
    await t.step(name, async () => {
      const error = await errorOf(text);
      assert.equal(error.code, "CONFIG_INVALID");
      assert.equal(error.message, message);
      assert.ok(!error.message.includes("\n"), "the message is one line");
    });
  }
});

Deno.test("parseConfig() names the first problem and counts the others", async () => {
  const error = await errorOf(servers('"a": { "args": [1] }, "b": { "url": "nope" }'));
  assert.equal(
    error.message,
    'mcp_config.json: mcpServers.a.args[0]: expected a string, got number 1 (quote it: "1") ' +
      "[and 1 more problem(s)]",
  );
  assert.equal((error.data?.issues as string[]).length, 2);
});

Deno.test("parseConfig() shows paths outside cwd as absolute and keeps the zod error as cause", async () => {
  try {
    await parseConfig("[]", { path: "/elsewhere/x/mcp_config.json", env: {}, cwd: "/project" });
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^\/elsewhere\/x\/mcp_config\.json: expected a JSON object/);
    assert.ok(error.cause !== undefined);
  }
});
