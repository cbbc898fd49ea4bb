import assert from "node:assert/strict";
import { TOOL_CALLER_KEY } from "../../lib/client/types.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { StdioCaller } from "../fixtures/skills/stdio_caller.ts";
import { runSkillInProcess } from "../fixtures/skills/run_in_process.ts";

const SKILL = `${ROOT}/skills/fetch.ts`;
const PAGE = `<!doctype html><html><head><title>T</title></head><body>
<h1>Loopback page</h1><p>Some <strong>bold</strong> text and a <a href="/next">link</a>.</p>
<ul><li>one</li><li>two</li></ul>${"<p>filler paragraph</p>".repeat(50)}</body></html>`;

/** A loopback HTTP server with an HTML page, a text file and a 404. */
function serve() {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/page") return new Response(PAGE, { headers: { "content-type": "text/html" } });
    if (path === "/plain") return new Response("just text\n");
    return new Response("nothing here", { status: 404, statusText: "Not Found" });
  });
}

const fetchSkill = (argv: string[], workspace: string) => runSkillInProcess(SKILL, argv, workspace);

Deno.test("skills/fetch.ts prints a loopback page as readable text", async (t) => {
  await using server = serve();
  const base = `http://127.0.0.1:${server.addr.port}`;
  const workspace = await Deno.makeTempDir({ prefix: "mcpx-fetch-" });
  const previous = (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY];
  await using caller = new StdioCaller({
    filesystem: { specifier: SERVERS.filesystem, args: [workspace], cwd: workspace },
  });
  (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = caller;
  try {
    await t.step("network access is derived for the URL's host only", async () => {
      const r = await fetchSkill(["--url", `${base}/page`], workspace);
      assert.deepEqual(r.inspection.kind === "skill" && r.inspection.permissions.net, [
        `127.0.0.1:${server.addr.port}`,
      ]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^# Loopback page\n\nSome \*\*bold\*\* text and a \[link\]\(\/next\)/);
      assert.match(r.stdout, /\* one\n\* two/);
      assert.doesNotMatch(r.stdout, /<p>|truncated/);
    });
    await t.step("--max-length cuts the text and says so", async () => {
      const r = await fetchSkill(["--url", `${base}/page`, "--max-length", "20"], workspace);
      assert.equal(r.code, 0);
      assert.match(
        r.stdout,
        /^# Loopback page\n\nSom\n\n\[truncated: 20 of \d+ characters shown; raise --max-length/,
      );
    });
    await t.step("--raw prints the body as received", async () => {
      const r = await fetchSkill(
        ["--url", `${base}/page`, "--raw", "--max-length", "100000"],
        workspace,
      );
      assert.equal(r.stdout, PAGE);
    });
    await t.step(
      "--save writes the text into the workspace through the filesystem server",
      async () => {
        const r = await fetchSkill(
          ["--url", `${base}/plain`, "--save", "notes/plain.md"],
          workspace,
        );
        assert.equal(r.code, 1, "the notes folder does not exist yet");
        assert.match(r.stderr, /^error: Tool "filesystem\.write_file" failed: /);
        await Deno.mkdir(`${workspace}/notes`);
        const again = await fetchSkill(
          ["--url", `${base}/plain`, "--save", "notes/plain.md"],
          workspace,
        );
        assert.equal(again.code, 0, again.stderr);
        assert.equal(again.stdout, "just text\n");
        assert.equal(again.stderr, "saved to workspace/notes/plain.md\n");
        assert.equal(await Deno.readTextFile(`${workspace}/notes/plain.md`), "just text\n");
        assert.deepEqual(caller.calls, ["filesystem.write_file", "filesystem.write_file"]);
      },
    );
    await t.step("an HTTP error is one error line and status 1", async () => {
      const r = await fetchSkill(["--url", `${base}/missing`], workspace);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `error: GET ${base}/missing answered 404 Not Found\n`);
    });
  } finally {
    (globalThis as Record<symbol, unknown>)[TOOL_CALLER_KEY] = previous;
    await caller.close();
    await Deno.remove(workspace, { recursive: true });
  }
});
