import assert from "node:assert/strict";
import { join } from "node:path";
import { clientHome } from "../helpers/client_configs.ts";
import { CLI } from "../helpers/paths.ts";

async function mcpx(args: string[], cwd: string, env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", CLI, ...args],
    cwd,
    env: { NO_COLOR: "1", XDG_CONFIG_HOME: "", MCPX_CONFIG: "", ...env },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("mcpx config says in one line how to use another client's config it found", async () => {
  const { home, project, dispose } = await clientHome();
  try {
    const r = await mcpx(["config"], project, { HOME: home });
    assert.equal(r.code, 0);
    assert.equal(
      r.stderr,
      "warning: no mcp_config.json found, but 10 config file(s) of Claude Code, Claude Desktop, " +
        'Cursor, VS Code, Windsurf, Gemini CLI, Codex, opencode exist: run "mcpx config import ' +
        'claude-code" to use .mcp.json, or "mcpx config --sources" to see them all\n',
    );
  } finally {
    await dispose();
  }
});

Deno.test("mcpx config --sources lists every client config, its servers and its status", async () => {
  const { home, project, dispose } = await clientHome();
  try {
    await Deno.writeTextFile(
      join(project, "mcp_config.json"),
      JSON.stringify({ mcpServers: { "cursor-local": { command: "mine" } }, imports: ["cursor"] }),
    );
    const r = await mcpx(["config", "--sources", "--json"], project, {
      HOME: home,
      MCPX_TEST_PORT: "1",
      CURSOR_API_KEY: "k",
    });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.used, join(project, "mcp_config.json"));
    const rows = report.sources.map((s: { client: string; path: string; status: string }) =>
      `${s.client} ${s.path} ${s.status}`
    );
    assert.deepEqual(rows, [
      "mcpx mcp_config.json used",
      "claude-code .mcp.json not read",
      `claude-code ${home}/.claude.json not read`,
      `claude-desktop ${home}/.config/Claude/claude_desktop_config.json not read`,
      "cursor .cursor/mcp.json imported",
      `cursor ${home}/.cursor/mcp.json imported`,
      "vscode .vscode/mcp.json not read",
      `windsurf ${home}/.codeium/windsurf/mcp_config.json not read`,
      `gemini ${home}/.gemini/settings.json not read`,
      `codex ${home}/.codex/config.toml not read`,
      `opencode ${home}/.config/opencode/opencode.json not read`,
    ]);
    // The project's own entry shadows Cursor's, and says so in one line.
    assert.equal(
      r.stderr,
      'warning: .cursor/mcp.json: server "cursor-local" is also defined in mcp_config.json; ' +
        "using the one in mcp_config.json (rename one of them to keep both)\n",
    );
  } finally {
    await dispose();
  }
});

Deno.test("mcpx config import: live by default, --copy writes entries, conflicts need --force", async (t) => {
  const { home, project, dispose } = await clientHome();
  const env = { HOME: home, MCPX_TEST_PORT: "1", CURSOR_API_KEY: "k" };
  const target = join(project, "mcp_config.json");
  try {
    await Deno.writeTextFile(
      target,
      '{\n  // my servers\n  "mcpServers": {\n    "codex-http": { "url": "http://127.0.0.1:1/mcp" },\n  },\n}\n',
    );
    await t.step("live: adds the client to imports, keeps comments", async () => {
      const r = await mcpx(["config", "import", "cursor"], project, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        "cursor-local, cursor-remote imported live by mcp_config.json (from .cursor/mcp.json, " +
          `${home}/.cursor/mcp.json)\n`,
      );
      const text = await Deno.readTextFile(target);
      assert.match(text, /\/\/ my servers/);
      assert.match(text, /"imports": \[\s*"cursor"\s*\]/);
      const shown = await mcpx(["config", "--json"], project, env);
      assert.deepEqual(Object.keys(JSON.parse(shown.stdout).servers), [
        "codex-http",
        "cursor-local",
        "cursor-remote",
      ]);
    });
    await t.step("--copy refuses a different same-named server and writes nothing", async () => {
      const before = await Deno.readTextFile(target);
      const r = await mcpx(["config", "import", "codex", "--copy"], project, env);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'error: mcp_config.json: mcpServers already has a different "codex-http" than Codex\'s ' +
          `${home}/.codex/config.toml; nothing written (rerun with --force to replace, or rename ` +
          "one)\n",
      );
      assert.equal(await Deno.readTextFile(target), before);
    });
    await t.step("--copy --force replaces it and copies the rest in mcpx's syntax", async () => {
      const r = await mcpx(["config", "import", "codex", "--copy", "--force"], project, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        "codex-stdio, codex-off copied into mcp_config.json; replaced codex-http (from " +
          `${home}/.codex/config.toml)\n`,
      );
      const text = await Deno.readTextFile(target);
      assert.match(text, /\/\/ my servers/);
      assert.match(text, /"Authorization": "Bearer \$\{env:CODEX_TOKEN\}"/);
      assert.match(text, /"LITERAL": "\$\$\{NOT_EXPANDED\}"/);
      const again = await mcpx(["config", "import", "codex", "--copy"], project, env);
      assert.equal(
        again.stdout,
        "already there: codex-stdio, codex-http, codex-off (from " +
          `${home}/.codex/config.toml)\n`,
      );
    });
    await t.step("import never writes into another client's file", async () => {
      const r = await mcpx(
        ["config", "import", "cursor", "--config", ".vscode/mcp.json"],
        project,
        env,
      );
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        "error: mcpx config import: .vscode/mcp.json is a VS Code file; import writes mcpx's own " +
          "mcp_config.json (leave out --config, or point it at an mcp_config.json)\n",
      );
    });
    await t.step("an unknown client is a usage error naming the clients", async () => {
      const r = await mcpx(["config", "import", "atom"], project, env);
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        'error: mcpx config import: unknown client "atom" (use one of: claude-code, ' +
          "claude-desktop, cursor, vscode, windsurf, gemini, codex, opencode)\n",
      );
    });
  } finally {
    await dispose();
  }
});
