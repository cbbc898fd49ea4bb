/**
 * The ready skills end to end: `mcpx exec` as a subprocess, in the fast tier, in a throwaway
 * project whose config starts the real filesystem, memory and everything servers.
 */
import assert from "node:assert/strict";
import { CLI, ROOT, SERVERS } from "../helpers/paths.ts";
import { skipUnless } from "../helpers/skip.ts";

const BRIDGE_BUILT = (() => {
  try {
    return Deno.statSync(`${ROOT}/lib/bridge/host.ts`).isFile;
  } catch {
    return false;
  }
})();
const ignore = skipUnless(BRIDGE_BUILT, "skill runs need the bridge (lib/bridge/host.ts)");

const FETCH = `${ROOT}/skills/fetch.ts`;
const PIPELINE = `${ROOT}/skills/multi_tool_pipeline.ts`;
const PAGE = "<html><body><h1>Loopback</h1><p>Hello <em>there</em>, reader.</p></body></html>";

async function project() {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-skills-exec-" }));
  await Deno.mkdir(`${root}/workspace`);
  const server = (specifier: string, extra: string[] = []) => ({
    command: Deno.execPath(),
    args: ["run", "-A", "--quiet", specifier, ...extra],
  });
  const config = {
    mcpServers: {
      everything: server(SERVERS.everything),
      filesystem: server(SERVERS.filesystem, ["./workspace"]),
      memory: { ...server(SERVERS.memory), env: { MEMORY_FILE_PATH: `${root}/memory.jsonl` } },
    },
    sandbox: { tier: "deno", timeout: 60, max_timeout: 120 },
  };
  await Deno.writeTextFile(`${root}/mcp_config.json`, JSON.stringify(config, null, 2));
  return {
    root,
    async exec(args: string[]) {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLI, "exec", ...args],
        cwd: root,
        env: { NO_COLOR: "1" },
        stdin: "null",
      }).output();
      const decode = (b: Uint8Array) => new TextDecoder().decode(b);
      return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

Deno.test("mcpx exec skills/fetch.ts: --help and invalid flags, before anything runs", async (t) => {
  await using p = await project();
  await t.step("--help prints the USAGE header and the flags table, exit 0", async () => {
    const r = await p.exec([FETCH, "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^skills\/fetch\.ts\nFetch a web page/);
    assert.match(r.stdout, /\n {2}--max-length +integer +default 5000 +Cut the text/);
  });
  await t.step("each invalid flag is one line, exit 2", async () => {
    const r = await p.exec([FETCH, "--max-length", "abc", "--colour", "red"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: --max-length: expected an integer, got "abc"\n/);
    assert.match(
      r.stderr,
      /\n--colour: unknown flag \(flags: --url, --max-length, --raw, --save\)\n/,
    );
    assert.match(r.stderr, /\n--url: required \(Page to fetch, http or https\)\n/);
  });
});

Deno.test({
  name: "mcpx exec skills/fetch.ts reaches the URL's host only and saves through filesystem",
  ignore,
}, async (t) => {
  await using p = await project();
  let requests = 0;
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
  });
  const host = `127.0.0.1:${server.addr.port}`;
  await t.step("a loopback URL the user did not allow is refused before any request", async () => {
    const r = await p.exec([FETCH, "--url", `http://${host}/page`]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      new RegExp(`^error: Refusing net access to "${host}".*--allow-net ${host}`),
    );
    assert.equal(requests, 0);
  });
  await t.step("allowed, it prints Markdown and writes the file in the workspace", async () => {
    const r = await p.exec([
      "--json",
      "--allow-net",
      host,
      FETCH,
      "--url",
      `http://${host}/page`,
      "--max-length",
      "20",
      "--save",
      "page.md",
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout);
    assert.equal(report.exitCode, 0, report.stderr);
    assert.match(report.stdout, /^# Loopback\n\nHello _t\n\n\[truncated: 20 of \d+ characters/);
    const saved = await Deno.readTextFile(`${p.root}/workspace/page.md`);
    assert.equal(`${saved}\n`, report.stdout);
    assert.equal(report.toolCalls.length, 1);
    assert.equal(requests, 1);
  });
});

Deno.test({
  name: "mcpx exec skills/multi_tool_pipeline.ts prints one line from two servers",
  ignore,
}, async () => {
  await using p = await project();
  const r = await p.exec(["--json", PIPELINE, "--target", "cache"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.exitCode, 0, report.stderr);
  assert.equal(report.stdout, '{"target":"cache","dependents":["api","web"],"instances":5}\n');
  assert.ok(report.toolCalls.length >= 3);
});
