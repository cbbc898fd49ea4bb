import assert from "node:assert/strict";
import { CLI, ROOT } from "../helpers/paths.ts";

async function mcpx(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", CLI, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("mcpx --help lists the commands on stdout and exits 0", async () => {
  const r = await mcpx(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: mcpx \[global options\] <command>/);
  assert.match(r.stdout, /\n {2}call +call one tool/);
  assert.equal(r.stderr, "");
});

Deno.test("mcpx with an unknown command is a usage error: one line, exit 2", async () => {
  const r = await mcpx(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    'error: Unknown command "frobnicate". Run "mcpx --help" to list commands.\n',
  );
});
