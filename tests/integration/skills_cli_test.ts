import assert from "node:assert/strict";
import { CLI, ROOT } from "../helpers/paths.ts";

async function mcpx(args: string[], cwd = ROOT) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", CLI, ...args],
    cwd,
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("mcpx skills lists every skill with its one-line purpose", async () => {
  const r = await mcpx(["skills"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^fetch +Fetch a web page and print it as readable text/m);
  assert.match(r.stdout, /^multi_tool_pipeline +List the services that depend on a service/m);
  assert.equal(r.stderr, "");
});

Deno.test("mcpx skills --json is machine-readable", async () => {
  const r = await mcpx(["skills", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const skills = JSON.parse(r.stdout) as { name: string; purpose: string; file: string }[];
  const fetch = skills.find((s) => s.name === "fetch");
  assert.equal(fetch?.file, `${ROOT}/skills/fetch.ts`);
  assert.match(fetch?.purpose ?? "", /^Fetch a web page/);
});

Deno.test("mcpx skills NAME prints the USAGE header", async () => {
  const r = await mcpx(["skills", "fetch"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^skills\/fetch\.ts\nFetch a web page/);
  assert.match(r.stdout, /\nExample: deno task exec skills\/fetch\.ts --url /);
});

Deno.test("mcpx skills finds the project's skills from another directory with --config", async () => {
  const r = await mcpx(["skills", "--config", `${ROOT}/mcp_config.json`], "/");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^fetch /m);
});

Deno.test("mcpx skills with an unknown name is a usage error listing the skills", async () => {
  const r = await mcpx(["skills", "nope"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: Unknown skill "nope" in .*\(skills: fetch, multi_tool_pipeline/);
});
