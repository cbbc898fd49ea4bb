import assert from "node:assert/strict";
import { join } from "node:path";
import { FORMATS, type InputSpec } from "../../lib/config/formats/mod.ts";
import { loadConfig } from "../../lib/config/load.ts";
import { parseConfig } from "../../lib/config/parse.ts";
import { findSources } from "../../lib/config/sources.ts";
import type { HttpServerConfig, McpxConfig, StdioServerConfig } from "../../lib/config/types.ts";
import { clientHome } from "../helpers/client_configs.ts";
import { ROOT } from "../helpers/paths.ts";

const ENV = {
  MCPX_TEST_PORT: "48123",
  MCPX_TEST_SSE_PORT: "48124",
  CURSOR_API_KEY: "cursor-secret",
  GEMINI_TOKEN: "gemini-secret",
  CODEX_TOKEN: "codex-secret",
  CODEX_FORWARDED: "forwarded",
  OPENCODE_VALUE: "opencode-value",
  OPENCODE_TOKEN: "opencode-secret",
  MCPX_INPUT_PERPLEXITY_KEY: "pplx-secret",
};

async function load(path: string, cwd: string, env: Record<string, string>): Promise<McpxConfig> {
  return await parseConfig(Deno.readTextFileSync(path), { path, cwd, env });
}

const stdio = (config: McpxConfig, name: string) => config.servers[name] as StdioServerConfig;
const http = (config: McpxConfig, name: string) => config.servers[name] as HttpServerConfig;

Deno.test("a folder with one config of each client lists every server, by client", async () => {
  const folder = await clientHome();
  try {
    const env = { ...ENV, HOME: folder.home };
    const sources = await findSources({ cwd: folder.project, env });
    const listing = sources.map((
      s,
    ) => [s.format.id, s.location.scope, s.servers.map((x) => x.name)]);
    assert.deepEqual(listing, [
      ["claude-code", "project", ["cc-project-api", "cc-project-everything"]],
      ["claude-code", "user", ["cc-local-sse", "cc-user-memory"]],
      ["claude-desktop", "user", ["desktop-filesystem"]],
      ["cursor", "project", ["cursor-local"]],
      ["cursor", "user", ["cursor-remote"]],
      ["vscode", "project", ["vscode-perplexity", "vscode-http", "vscode-memory"]],
      ["windsurf", "user", ["windsurf-remote"]],
      ["gemini", "user", ["gemini-http", "gemini-stdio"]],
      ["codex", "user", ["codex-stdio", "codex-http", "codex-off"]],
      ["opencode", "user", ["opencode-local", "opencode-remote"]],
    ]);
    for (const source of sources) {
      assert.equal(source.error, undefined, source.error ?? "");
      for (const server of source.servers) assert.equal(server.unavailable, undefined);
    }
  } finally {
    await folder.dispose();
  }
});

Deno.test("each client's own syntax translates to the same servers", async (t) => {
  const folder = await clientHome();
  const { home, project } = folder;
  const env = { ...ENV, HOME: home };
  try {
    await t.step(
      "Claude Code: ${VAR}, ${VAR:-default}, type sse, per-project entries",
      async () => {
        const mcp = await load(join(project, ".mcp.json"), project, env);
        const api = http(mcp, "cc-project-api");
        assert.equal(api.url, "http://127.0.0.1:48123/mcp");
        assert.deepEqual(api.headers, { Authorization: "Bearer dev-key" });
        assert.equal(mcp.format, "claude-code");
        assert.equal(mcp.root, project);
        const user = await load(join(home, ".claude.json"), project, env);
        assert.equal(http(user, "cc-local-sse").type, "sse");
        assert.equal(user.root, project, "the user's file serves the current project");
        const elsewhere = await load(join(home, ".claude.json"), home, env);
        assert.deepEqual(Object.keys(elsewhere.servers), ["cc-user-memory"]);
      },
    );
    await t.step("Cursor: ${userHome}, ${workspaceFolder}, ${env:…}, envFile, JSONC", async () => {
      const local = stdio(
        await load(join(project, ".cursor", "mcp.json"), project, env),
        "cursor-local",
      );
      assert.deepEqual(local.args.slice(3), [`${project}/server.ts`, "--home", home]);
      assert.deepEqual(local.env, {
        API_TOKEN: "from-env-file",
        REGION: "eu",
        PROJECT_NAME: "project",
      });
      assert.equal(local.cwd, project);
      const remote = http(
        await load(join(home, ".cursor", "mcp.json"), project, env),
        "cursor-remote",
      );
      assert.equal(remote.url, "http://127.0.0.1:48123/mcp");
      assert.equal(remote.fallbackToSse, true);
      assert.deepEqual(remote.headers, { API_KEY: "cursor-secret" });
    });
    await t.step("VS Code: servers, inputs from MCPX_INPUT_<ID>, envFile", async () => {
      const vscode = await load(join(project, ".vscode", "mcp.json"), project, env);
      assert.equal(vscode.format, "vscode");
      assert.deepEqual(stdio(vscode, "vscode-perplexity").env, {
        PERPLEXITY_API_KEY: "pplx-secret",
      });
      assert.deepEqual(http(vscode, "vscode-http").headers, {
        Authorization: "Bearer pplx-secret",
      });
      assert.equal(http(vscode, "vscode-http").fallbackToSse, false);
      assert.equal(stdio(vscode, "vscode-memory").env.API_TOKEN, "from-env-file");
    });
    await t.step("Windsurf: serverUrl", async () => {
      const path = join(home, ".codeium", "windsurf", "mcp_config.json");
      const remote = http(await load(path, project, env), "windsurf-remote");
      assert.equal(remote.url, "http://127.0.0.1:48123/mcp");
      assert.deepEqual(remote.headers, { API_KEY: "none" });
    });
    await t.step("Gemini CLI: httpUrl, $VAR, timeout in milliseconds", async () => {
      const gemini = await load(join(home, ".gemini", "settings.json"), project, env);
      const remote = http(gemini, "gemini-http");
      assert.equal(remote.type, "http");
      assert.equal(remote.url, "http://127.0.0.1:48123/mcp");
      assert.equal(remote.timeoutMs, 5000);
      assert.deepEqual(remote.headers, { Authorization: "Bearer gemini-secret" });
      assert.equal(stdio(gemini, "gemini-stdio").timeoutMs, 30000);
      assert.deepEqual(stdio(gemini, "gemini-stdio").env, { API_KEY: "gemini-secret" });
    });
    await t.step(
      "Codex: TOML, env_vars, bearer_token_env_var, tool_timeout_sec, enabled",
      async () => {
        const codex = await load(join(home, ".codex", "config.toml"), project, env);
        const local = stdio(codex, "codex-stdio");
        assert.deepEqual(local.env, { CODEX_FORWARDED: "forwarded", LITERAL: "${NOT_EXPANDED}" });
        assert.equal(local.timeoutMs, 45000);
        const remote = http(codex, "codex-http");
        assert.equal(remote.type, "http");
        assert.deepEqual(remote.headers, { Authorization: "Bearer codex-secret" });
        assert.equal(codex.servers["codex-off"]?.disabled, true);
      },
    );
    await t.step(
      "opencode: command arrays, environment, {env:…}, enabled, timeout in ms",
      async () => {
        const path = join(home, ".config", "opencode", "opencode.json");
        const opencode = await load(path, project, env);
        const local = stdio(opencode, "opencode-local");
        assert.equal(local.command, "deno");
        assert.deepEqual(local.args.slice(0, 2), ["run", "-A"]);
        assert.deepEqual(local.env, { MY_ENV_VAR: "opencode-value" });
        const remote = http(opencode, "opencode-remote");
        assert.equal(remote.disabled, true);
        assert.equal(remote.timeoutMs, 15000);
        assert.equal(remote.fallbackToSse, true);
        assert.deepEqual(remote.headers, { Authorization: "Bearer opencode-secret" });
      },
    );
  } finally {
    await folder.dispose();
  }
});

Deno.test("an unset variable fails only the server that uses it, with one line", async (t) => {
  const folder = await clientHome();
  const { home, project } = folder;
  try {
    await t.step("Cursor ${env:…}", async () => {
      const config = await load(join(home, ".cursor", "mcp.json"), project, { HOME: home });
      assert.equal(
        config.servers["cursor-remote"]?.unavailable,
        `${home}/.cursor/mcp.json: mcpServers.cursor-remote.url: environment variable ` +
          "MCPX_TEST_PORT is not set (export it, or write ${env:MCPX_TEST_PORT:-default})",
      );
    });
    await t.step("VS Code ${input:…} without MCPX_INPUT_<ID>", async () => {
      const config = await load(join(project, ".vscode", "mcp.json"), project, {
        HOME: home,
        MCPX_TEST_PORT: "1",
      });
      assert.equal(
        config.servers["vscode-perplexity"]?.unavailable,
        ".vscode/mcp.json: servers.vscode-perplexity.env.PERPLEXITY_API_KEY: input " +
          '"perplexity-key" has no value (set MCPX_INPUT_PERPLEXITY_KEY, or run mcpx on a ' +
          "terminal to be asked)",
      );
      assert.equal(config.servers["vscode-memory"]?.unavailable, undefined);
      // Never sent literally: the unavailable entry is refused before any connection.
      assert.match(stdio(config, "vscode-perplexity").env.PERPLEXITY_API_KEY!, /\$\{input:/);
    });
    await t.step("a missing envFile", async () => {
      await Deno.remove(join(project, ".env"));
      const config = await load(join(project, ".cursor", "mcp.json"), project, { HOME: home });
      assert.equal(
        config.servers["cursor-local"]?.unavailable,
        `.cursor/mcp.json: mcpServers.cursor-local.envFile: cannot read envFile ${project}/.env: ` +
          'not found (create it, or fix or remove "envFile")',
      );
    });
    await t.step("Windsurf serverUrl is named as the file wrote it", async () => {
      const path = join(home, ".codeium", "windsurf", "mcp_config.json");
      const config = await load(path, project, { HOME: home });
      assert.match(
        config.servers["windsurf-remote"]!.unavailable!,
        /mcpServers\.windsurf-remote\.serverUrl: /,
      );
    });
  } finally {
    await folder.dispose();
  }
});

Deno.test("Claude Code's local entry wins over a user entry of the same name, said in one line", async () => {
  const text = JSON.stringify({
    mcpServers: { db: { command: "user-db" } },
    projects: { "/p": { mcpServers: { db: { command: "local-db" } } } },
  });
  const config = await parseConfig(text, { path: "/home/me/.claude.json", cwd: "/p", env: {} });
  assert.equal(stdio(config, "db").command, "local-db");
  assert.deepEqual(config.warnings, [
    '/home/me/.claude.json: mcpServers.db: server "db" is also defined at projects["/p"].mcpServers.db; ' +
    "using that one (rename one of them to keep both)",
  ]);
});

Deno.test("syntax errors in each syntax are one line with line and column", async (t) => {
  const cases: [path: string, text: string, message: string][] = [
    [
      "/p/.cursor/mcp.json",
      '{ "mcpServers": { "a": { "command": "x" } }',
      '.cursor/mcp.json:1:44: invalid JSON: expected "}" (fix the syntax)',
    ],
    [
      "/p/.codex/config.toml",
      "[mcp_servers.a]\ncommand = \n",
      ".codex/config.toml:2:11: invalid TOML: invalid value (fix the syntax)",
    ],
  ];
  for (const [path, text, message] of cases) {
    await t.step(path, async () => {
      await assert.rejects(
        () => parseConfig(text, { path, cwd: "/p", env: {} }),
        (error: Error) => {
          assert.ok(error.message.startsWith(message), error.message);
          assert.ok(!error.message.includes("\n"));
          return true;
        },
      );
    });
  }
});

Deno.test("VS Code inputs are asked for once, by description, when no MCPX_INPUT_<ID> is set", async (t) => {
  const { home, project, dispose } = await clientHome();
  const path = join(project, ".vscode", "mcp.json");
  const env = { HOME: home, MCPX_TEST_PORT: "1" };
  try {
    await t.step("an answer fills every reference to the input", async () => {
      const asked: InputSpec[] = [];
      const config = await loadConfig({
        path,
        cwd: project,
        env,
        ask: (input) => Promise.resolve((asked.push(input), "typed-secret")),
      });
      assert.deepEqual(asked, [
        { id: "perplexity-key", description: "Perplexity API Key", password: true },
      ]);
      assert.deepEqual(stdio(config, "vscode-perplexity").env, {
        PERPLEXITY_API_KEY: "typed-secret",
      });
      assert.equal(http(config, "vscode-http").headers.Authorization, "Bearer typed-secret");
    });
    await t.step(
      "no answer (no terminal) leaves those servers unavailable, not the others",
      async () => {
        const config = await loadConfig({
          path,
          cwd: project,
          env,
          ask: () => Promise.resolve(undefined),
        });
        assert.match(config.servers["vscode-http"]!.unavailable!, /MCPX_INPUT_PERPLEXITY_KEY/);
        assert.equal(config.servers["vscode-memory"]!.unavailable, undefined);
      },
    );
    await t.step("MCPX_INPUT_<ID> means nobody is asked", async () => {
      const config = await loadConfig({
        path,
        cwd: project,
        env: { ...env, MCPX_INPUT_PERPLEXITY_KEY: "from-env" },
        ask: () => Promise.reject(new Error("must not ask")),
      });
      assert.equal(http(config, "vscode-http").headers.Authorization, "Bearer from-env");
    });
  } finally {
    await dispose();
  }
});

Deno.test("docs/config.md has a row for every format with its source documents", async () => {
  const docs = await Deno.readTextFile(`${ROOT}/docs/config.md`);
  const readme = await Deno.readTextFile(`${ROOT}/tests/fixtures/config/clients/README.md`);
  for (const format of FORMATS.filter((f) => f.id !== "mcpx")) {
    const row = docs.split("\n").find((line) =>
      line.startsWith(`| ${format.client} (\`${format.id}\`)`)
    );
    assert.ok(row !== undefined, `docs/config.md lists ${format.id}`);
    for (const url of format.docs) assert.ok(row.includes(url), `${format.id} cites ${url}`);
    assert.ok(readme.includes(format.client), `the fixtures' README covers ${format.client}`);
  }
});

Deno.test("a file is read in the format of its content when its name is mcpx's", async (t) => {
  const load = async (raw: unknown, path = "/p/mcp_config.json") =>
    await parseConfig(JSON.stringify(raw), { path, cwd: "/p", env: {} });
  await t.step("VS Code's servers", async () => {
    const config = await load({ servers: { a: { type: "stdio", command: "x" } } });
    assert.equal(config.format, "vscode");
    assert.equal(stdio(config, "a").command, "x");
  });
  await t.step("Windsurf's serverUrl", async () => {
    const config = await load({ mcpServers: { a: { serverUrl: "http://127.0.0.1:1/mcp" } } });
    assert.equal(http(config, "a").url, "http://127.0.0.1:1/mcp");
  });
  await t.step("Gemini's httpUrl and milliseconds", async () => {
    const config = await load({
      mcpServers: { a: { httpUrl: "http://127.0.0.1:1/mcp", timeout: 900 } },
    });
    assert.equal(http(config, "a").timeoutMs, 900);
  });
  await t.step("a server map that is not a map is one line, never zero servers", async () => {
    await assert.rejects(() => load({ servers: [] }, "/p/.vscode/mcp.json"), {
      message: ".vscode/mcp.json: servers: expected an object mapping server names to entries, " +
        'got an array (write "servers": { "<name>": { … } })',
    });
  });
});
