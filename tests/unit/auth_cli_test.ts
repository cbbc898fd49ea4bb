import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../cli.ts";

async function mcpx(args: string[], dir: string) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    out: (text) => stdout += text,
    err: (text) => stderr += text,
    cwd: dir,
    env: { HOME: dir, XDG_STATE_HOME: join(dir, "state"), NO_COLOR: "1" },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

Deno.test("mcpx auth: bad usage is one line and exit 2, an unknown server exit 1", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "mcp_config.json"),
      JSON.stringify({
        mcpServers: {
          local: { command: "srv" },
          remote: { url: "http://127.0.0.1:9/mcp" },
        },
      }),
    );
    const cases: [string[], number, string][] = [
      [["auth", "--all"], 2, '"--all" goes with "--logout" (mcpx auth --logout --all).'],
      [["auth", "a", "b"], 2, "mcpx auth takes one server name, got 2."],
      [["auth", "--logout"], 2, 'mcpx auth --logout needs a server name (or "--all").'],
      [
        ["auth", "local"],
        2,
        'Server "local" is a stdio server; OAuth applies to HTTP servers ("url") only.',
      ],
      [["auth", "nope"], 1, 'Unknown server "nope". Configured: local, remote.'],
      [
        ["auth", "remote", "--timeout", "0"],
        2,
        '--timeout expects a positive number of seconds, got "0".',
      ],
    ];
    for (const [args, code, message] of cases) {
      await t.step(args.join(" "), async () => {
        const r = await mcpx(args, dir);
        assert.equal(r.code, code);
        assert.equal(r.stderr, `error: ${message}\n`);
      });
    }
    await t.step("auth with no server lists the HTTP servers", async () => {
      const r = await mcpx(["auth"], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^remote +not logged in +http:\/\/127\.0\.0\.1:9\/mcp$/m);
      assert.ok(!r.stdout.includes("local"));
    });
    await t.step("--logout --all with nothing stored", async () => {
      const r = await mcpx(["auth", "--logout", "--all"], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^No stored logins/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
