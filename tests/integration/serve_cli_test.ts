/** `mcpx serve` command-line behaviour, end to end as a subprocess. */
import assert from "node:assert/strict";
import { CLI, ROOT } from "../helpers/paths.ts";
import { FIXTURE_CONFIG } from "../fixtures/serve/_setup.ts";

async function mcpx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    cwd: ROOT,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("mcpx serve --help prints the options and exits 0", async () => {
  const result = await mcpx("serve", "--help");
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^mcpx serve: serve mcpx itself as an MCP server/);
  assert.match(result.stdout, /--token T/);
  assert.equal(result.stderr, "");
});

Deno.test("mcpx serve usage errors exit 2 with one error line", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--port", "7000"], /--port, --host and --token need --http/],
    [["--http", "--port", "abc"], /--port must be a number 0-65535, got "abc"/],
    [["--http", "--port", "70000"], /--port must be a number 0-65535/],
    [["extra"], /unexpected argument "extra"/],
    [["--bogus"], /mcpx serve: unknown option --bogus\. Run "mcpx serve --help"/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const result = await mcpx("serve", ...args, "--config", FIXTURE_CONFIG);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^error: /);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, result.stderr);
      assert.equal(result.stdout, "");
    });
  }
});

Deno.test("mcpx serve --http on a port in use fails with one error line", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String((listener.addr as Deno.NetAddr).port);
  const result = await mcpx("serve", "--http", "--port", port, "--config", FIXTURE_CONFIG);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(`error: Cannot listen on 127\\.0\\.0\\.1:${port}: .*pick another --port`),
  );
});
