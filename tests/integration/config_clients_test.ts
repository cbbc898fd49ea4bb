import assert from "node:assert/strict";
import { join } from "node:path";
import { McpClientManager } from "../../lib/client/manager.ts";
import { loadConfig } from "../../lib/config/load.ts";
import { findSources } from "../../lib/config/sources.ts";
import { TRUST_ENV_VARS } from "../../lib/config/trust.ts";
import { ConfigError } from "../../lib/errors.ts";
import { clientHome } from "../helpers/client_configs.ts";
import { CLI } from "../helpers/paths.ts";
import { freePort, startEverything } from "../helpers/servers.ts";
import { skipUnless } from "../helpers/skip.ts";

/** The environment a user of these clients would have, plus the trust-store variables. */
function userEnv(home: string, ports: { http: number; sse: number }): Record<string, string> {
  const inherited = Object.fromEntries(
    ["PATH", "DENO_DIR", ...TRUST_ENV_VARS].flatMap((name) => {
      const value = Deno.env.get(name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  return {
    ...inherited,
    HOME: home,
    MCPX_TEST_PORT: String(ports.http),
    MCPX_TEST_SSE_PORT: String(ports.sse),
    CURSOR_API_KEY: "cursor-key",
    GEMINI_TOKEN: "gemini-token",
    CODEX_TOKEN: "codex-token",
    OPENCODE_VALUE: "opencode-value",
    OPENCODE_TOKEN: "opencode-token",
    MCPX_INPUT_PERPLEXITY_KEY: "pplx",
  };
}

Deno.test("every client's config, used unchanged, reaches its real servers", async (t) => {
  await using http = await startEverything("streamableHttp");
  await using sse = await startEverything("sse", freePort());
  const folder = await clientHome({ port: http.port });
  const env = userEnv(folder.home, { http: http.port, sse: sse.port });
  try {
    const sources = await findSources({ cwd: folder.project, env });
    assert.equal(sources.length, 10);
    for (const source of sources) {
      await t.step(`${source.format.client}: ${source.location.path}`, async () => {
        const config = await loadConfig({ path: source.location.path, cwd: folder.project, env });
        const manager = new McpClientManager({ config, env });
        try {
          const enabled = Object.values(config.servers).filter((server) => !server.disabled);
          assert.ok(enabled.length > 0);
          await Promise.all(enabled.map(async (server) => {
            const tools = await manager.listTools(server.name);
            assert.ok(tools.length > 0, `${server.name} lists tools`);
          }));
        } finally {
          await manager.cleanup();
        }
      });
    }
    await t.step(
      "Cursor's project server got ${workspaceFolder}, ${userHome} and envFile",
      async () => {
        const path = join(folder.project, ".cursor", "mcp.json");
        const config = await loadConfig({ path, cwd: folder.project, env });
        const manager = new McpClientManager({ config, env });
        try {
          const result = await manager.callTool("cursor-local", "given", {});
          assert.deepEqual(result.value, {
            args: ["--home", folder.home],
            API_TOKEN: "from-env-file",
            REGION: "eu",
            PROJECT_NAME: "project",
          });
        } finally {
          await manager.cleanup();
        }
      },
    );
    await t.step(
      "an unset variable fails that server alone, at use, with its one line",
      async () => {
        const path = join(folder.home, ".gemini", "settings.json");
        const { GEMINI_TOKEN: _, ...without } = env;
        const config = await loadConfig({ path, cwd: folder.project, env: without });
        const manager = new McpClientManager({ config, env: without });
        try {
          const error = await manager.listTools("gemini-http").catch((e: unknown) => e);
          assert.ok(error instanceof ConfigError);
          assert.equal(
            error.message,
            `${path}: mcpServers.gemini-http.headers.Authorization: environment variable ` +
              "GEMINI_TOKEN is not set (export it, or write ${env:GEMINI_TOKEN:-default})",
          );
          const sibling = config.servers["gemini-stdio"]!;
          assert.ok(sibling.unavailable !== undefined, "gemini-stdio uses GEMINI_TOKEN too");
          const desktop = await loadConfig({
            path: join(folder.home, ".config", "Claude", "claude_desktop_config.json"),
            cwd: folder.project,
            env: without,
          });
          const other = new McpClientManager({ config: desktop, env: without });
          try {
            assert.ok((await other.listTools("desktop-filesystem")).length > 0);
          } finally {
            await other.cleanup();
          }
        } finally {
          await manager.cleanup();
        }
      },
    );
  } finally {
    await folder.dispose();
  }
});

const hasScript = await new Deno.Command("script", { args: ["--version"], stdout: "null" })
  .output().then((out) => out.success, () => false);

Deno.test({
  name: "a VS Code input is asked on a terminal, and a password input is not echoed",
  ignore: skipUnless(hasScript, "util-linux `script` is missing; cannot give mcpx a terminal"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mcpx-inputs-" });
    try {
      await Deno.mkdir(join(dir, ".vscode"));
      await Deno.writeTextFile(
        join(dir, ".vscode", "mcp.json"),
        JSON.stringify({
          inputs: [
            { type: "promptString", id: "region", description: "Region" },
            { type: "promptString", id: "api-token", description: "API token", password: true },
          ],
          servers: {
            s: {
              command: "deno",
              env: { REGION: "${input:region}", API_TOKEN: "${input:api-token}" },
            },
          },
        }),
      );
      const command =
        `${Deno.execPath()} run -A --quiet ${CLI} config --json --config .vscode/mcp.json`;
      const child = new Deno.Command("script", {
        args: ["-qec", command, "/dev/null"],
        cwd: dir,
        env: { HOME: dir, NO_COLOR: "1" },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      const waitFor = async (text: string) => {
        while (!seen.includes(text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`output ended before "${text}": ${seen}`);
          seen += value;
        }
      };
      await waitFor("Region [region]: ");
      await writer.write(new TextEncoder().encode("eu-west\r"));
      await waitFor("API token [api-token] (hidden): ");
      await writer.write(new TextEncoder().encode("hunter2-secret\r"));
      await waitFor("\n}");
      await writer.close();
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel();
      await child.status;
      assert.ok(!seen.includes("hunter2"), "the password is neither echoed nor printed");
      const json = JSON.parse(seen.slice(seen.indexOf("{")).replaceAll("\r", ""));
      assert.equal(json.servers.s.env.REGION, "eu-west");
      assert.equal(json.servers.s.env.API_TOKEN, "hu…(masked)");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
