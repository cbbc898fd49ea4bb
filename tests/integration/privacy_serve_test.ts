import assert from "node:assert/strict";
import { join } from "node:path";
import { connectHttp, textOf } from "../fixtures/serve/_setup.ts";
import { privacyProject, realValues } from "../fixtures/privacy/_project.ts";
import { loadConfig } from "../../lib/config/load.ts";
import { createDefaultBackend } from "../../lib/serve/default_backend.ts";
import { serveHttp } from "../../lib/serve/http.ts";
import { readRuns } from "../../lib/tokens/runs.ts";

/** An execute_code snippet that writes `content` to `path` through the filesystem server. */
function writeSnippet(path: string, content: string): string {
  return [
    "const caller = (globalThis as any)[Symbol.for('mcpx.toolCaller')];",
    `await caller.callTool("filesystem", "write_file", ${JSON.stringify({ path, content })});`,
    'console.log("written");',
  ].join("\n");
}

Deno.test("through mcpx serve, a session sees placeholders and its placeholders reach tools as real values", async (t) => {
  const state = await Deno.makeTempDir({ prefix: "mcpx_state_" });
  await using project = await privacyProject(state);
  const config = await loadConfig({
    path: join(project.root, "mcp_config.json"),
    cwd: project.root,
  });
  const env = { ...Deno.env.toObject(), XDG_STATE_HOME: state };
  const backend = createDefaultBackend(config, { env });
  const handle = await serveHttp(backend, { port: 0 });
  try {
    await using first = await connectHttp(handle.url);
    let email = "";

    await t.step("run_skill over personal records answers with placeholders only", async () => {
      const result = await first.callTool({
        name: "run_skill",
        arguments: { name: "read_customers" },
      });
      const text = textOf(result);
      assert.equal(result.isError, undefined, text);
      for (const value of realValues()) {
        assert.ok(!text.includes(value), `${value} leaked: ${text}`);
      }
      email = text.match(/Ann Lee <(\[EMAIL_1_[a-z0-9]{4}\])>/)![1]!;
      const tokens = (result.structuredContent as { tokens: Record<string, unknown> }).tokens;
      assert.ok((tokens.toolResults as number) > 0, JSON.stringify(tokens));
      assert.equal(tokens.saved, (tokens.toolResults as number) - (tokens.output as number));
      assert.match(tokens.tokenizer as string, /o200k_base/);
    });

    await t.step("a placeholder in run_skill args is restored before the tool call", async () => {
      const result = await first.callTool({
        name: "run_skill",
        arguments: { name: "write_note", args: { to: email, text: "hi", file: "serve_note.txt" } },
      });
      assert.equal(result.isError, undefined, textOf(result));
      assert.match(
        textOf(result),
        new RegExp(`wrote a note for ${email.replace(/[[\]]/g, "\\$&")}`),
      );
      assert.equal(
        await Deno.readTextFile(join(project.workspace, "serve_note.txt")),
        "ann.lee@example.com: hi\n",
      );
    });

    await t.step(
      "a placeholder inside an execute_code snippet is restored at the tool call",
      async () => {
        const path = join(project.workspace, "snippet.txt");
        const result = await first.callTool({
          name: "execute_code",
          arguments: { code: writeSnippet(path, `mail ${email}`), servers: ["filesystem"] },
        });
        assert.equal(result.isError, undefined, textOf(result));
        assert.equal(await Deno.readTextFile(path), "mail ann.lee@example.com");
      },
    );

    await t.step("another session's placeholder passes literally, with a warning", async () => {
      await using second = await connectHttp(handle.url);
      const path = join(project.workspace, "other_session.txt");
      const result = await second.callTool({
        name: "execute_code",
        arguments: { code: writeSnippet(path, email), servers: ["filesystem"] },
      });
      assert.equal(await Deno.readTextFile(path), email);
      assert.match(
        textOf(result),
        /warning: \[EMAIL_1_[a-z0-9]{4}\] is not a placeholder of this session \(another project or session made it, or it expired\); passed on literally/,
      );
    });

    await t.step("every run is in the runs file", async () => {
      const runs = await readRuns(env, 10);
      assert.deepEqual(runs.map((r) => r.kind), [
        "run_skill",
        "run_skill",
        "execute_code",
        "execute_code",
      ]);
      assert.ok(runs.every((r) => r.project === project.root && r.toolCalls === 1));
    });
  } finally {
    await handle.close();
    await handle.finished;
    await backend.close();
    await Deno.remove(state, { recursive: true });
  }
});
