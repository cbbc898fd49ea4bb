import assert from "node:assert/strict";
import { runMcpx } from "../helpers/cli.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { startEverything } from "../helpers/servers.ts";
import { execProject, fixture } from "./_exec_project.ts";

const EVERYTHING = `${Deno.execPath()} run -A --quiet ${SERVERS.everything}`;

/** An empty directory with no config anywhere: cwd and XDG_CONFIG_HOME point at it. (HOME stays:
 * it holds the Deno cache the servers load from.) */
async function noConfig() {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_adhoc_" }));
  return {
    dir,
    env: { XDG_CONFIG_HOME: dir },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("ad-hoc --stdio servers work for call and tools with no config file at all", async (t) => {
  await using empty = await noConfig();
  const opts = { cwd: empty.dir, env: empty.env };

  await t.step("mcpx call --stdio calls a tool", async () => {
    const run = await runMcpx(["call", "--stdio", EVERYTHING, "get-sum", "a=20", "b=22"], opts);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "The sum of 20 and 22 is 42.\n");
  });

  await t.step("mcpx tools --stdio lists the tools", async () => {
    const run = await runMcpx(["tools", "--stdio", EVERYTHING], opts);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^echo +Echoes back the input string$/m);
  });

  await t.step("the name derives from the package, and messages use it", async () => {
    const run = await runMcpx(["call", "--stdio", EVERYTHING, "no-such-tool"], opts);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: Server "server-everything" has no tool "no-such-tool"/);
  });

  await t.step("--name names it; the name may also be repeated positionally", async () => {
    const run = await runMcpx(
      ["call", "--name", "ev", "--stdio", EVERYTHING, "ev", "echo", "message=hi"],
      opts,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Echo: hi\n");
  });

  await t.step("--env reaches the server's environment", async () => {
    const run = await runMcpx(
      ["call", "--stdio", EVERYTHING, "--env", "MCPX_ADHOC_PROBE=42 and more", "get-env", "--json"],
      opts,
    );
    assert.equal(run.code, 0, run.stderr);
    const env = JSON.parse(JSON.parse(run.stdout).content[0].text);
    assert.equal(env.MCPX_ADHOC_PROBE, "42 and more");
  });

  await t.step("--cwd is the server's working directory", async () => {
    await Deno.mkdir(`${empty.dir}/data`);
    // --config keeps the repository's lock file, so the server loads from the Deno cache.
    const filesystem =
      `${Deno.execPath()} run -A --quiet --config ${ROOT}/deno.json ${SERVERS.filesystem} .`;
    const run = await runMcpx(
      ["call", "--stdio", filesystem, "--cwd", "data", "list_allowed_directories"],
      opts,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${empty.dir}/data`));
  });

  await t.step("servers --status checks only the ad-hoc server", async () => {
    const run = await runMcpx(["servers", "--status", "--stdio", EVERYTHING], opts);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^NAME +STATUS +LATENCY +DETAIL\nserver-everything +ok +\d+ ms /);
    assert.equal(run.stdout.trim().split("\n").length, 2);
  });
});

Deno.test("ad-hoc HTTP servers: --http-url and --sse-url with --header", async (t) => {
  await using empty = await noConfig();
  const opts = { cwd: empty.dir, env: empty.env };
  await using http = await startEverything("streamableHttp");
  await using sse = await startEverything("sse");

  await t.step("--http-url", async () => {
    const run = await runMcpx([
      "call",
      "--http-url",
      `http://127.0.0.1:${http.port}/mcp`,
      "--header",
      "X-Probe=1",
      "echo",
      "message=over http",
    ], opts);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Echo: over http\n");
  });

  await t.step("--sse-url", async () => {
    const run = await runMcpx(
      ["tools", "--sse-url", `http://127.0.0.1:${sse.port}/sse`, "--json"],
      opts,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(JSON.parse(run.stdout).some((tool: { name: string }) => tool.name === "get-sum"));
  });
});

Deno.test("ad-hoc options are checked in one line, exit 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["call", "--stdio", "a", "--http-url", "http://x/", "t"], /Give one ad-hoc server/],
    [["call", "--http-url", "ftp://x/", "t"], /--http-url needs an http:\/\/ or https:\/\/ URL/],
    [["call", "--stdio", "a", "--header", "K=V", "t"], /--header is for --http-url\/--sse-url/],
    [["tools", "--env", "K=V", "everything"], /--env describes an ad-hoc server; add --stdio/],
    [["call", "--stdio", "x", "--env", "NOEQUALS", "t"], /--env expects KEY=VALUE, got "NOEQUALS"/],
    [["call", "--stdio", `"unterminated`, "t"], /unterminated " quote/],
    [["call", "--stdio", "x", "--name", "a__b", "t"], /--name must be letters/],
    [["tools", "--name", "everything", "--stdio", "x"], /"everything" is already configured/],
  ];
  for (const [args, expected] of cases) {
    await t.step(args.join(" "), async () => {
      const run = await runMcpx(args);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, expected);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    });
  }
});

Deno.test("mcpx exec with an ad-hoc server: only a run that names it may use it", async (t) => {
  await using project = await execProject();
  const adhoc = ["--name", "docs", "--stdio", EVERYTHING];

  await t.step("a skill that declares it reads resources through ctx", async () => {
    const uri = "demo://resource/static/document/features.md";
    const run = await project.exec([...adhoc, fixture("read_resource.ts"), "--uri", uri]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      `listed 7 resources, ${uri} among them: true\n# Everything Server - Features\n`,
    );
  });

  await t.step("a plain script that does not name it is refused by the bridge", async () => {
    const run = await project.exec([...adhoc, fixture("read_adhoc.ts")]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Server "docs" is not allowed for this run \(allowed: none\)/);
  });

  await t.step("with --servers docs the same script reads it", async () => {
    const run = await project.exec([...adhoc, "--servers", "docs", fixture("read_adhoc.ts")]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Resource 9: This is a plaintext resource/);
  });
});
