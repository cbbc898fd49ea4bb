import assert from "node:assert/strict";
import { runMcpx } from "../helpers/cli.ts";
import { ROOT, SERVERS } from "../helpers/paths.ts";
import { freePort, isAlive, startEverything, startHttpFixture } from "../helpers/servers.ts";

const HANGS = `${ROOT}/tests/fixtures/servers/hangs_on_initialize.ts`;

/** A temp project whose mcp_config.json holds `servers`; `await using` removes it. */
async function project(servers: Record<string, unknown>) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_status_" }));
  await Deno.writeTextFile(`${dir}/mcp_config.json`, JSON.stringify({ mcpServers: servers }));
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

const everything = { command: Deno.execPath(), args: ["run", "-A", "--quiet", SERVERS.everything] };

Deno.test("mcpx servers --status reports each server, exits 1 when one is down, and leaves no process behind", async (t) => {
  await using http = await startEverything("streamableHttp");
  await using wedged = await startHttpFixture("wedged_http.ts");
  await using dir = await project({});
  const pidFile = `${dir.dir}/hang.pid`;
  await Deno.writeTextFile(
    `${dir.dir}/mcp_config.json`,
    JSON.stringify({
      mcpServers: {
        everything,
        remote: { type: "http", url: `http://127.0.0.1:${http.port}/mcp` },
        hangs: { command: Deno.execPath(), args: ["run", "-A", "--quiet", HANGS, pidFile] },
        missing: { command: "no-such-mcp-server-anywhere" },
        nobody: { type: "http", url: `http://127.0.0.1:${freePort()}/mcp` },
        wedged: { type: "http", url: `http://127.0.0.1:${wedged.port}/mcp` },
        off: { command: "no-such-mcp-server-anywhere", disabled: true },
      },
    }),
  );

  const run = await runMcpx(["servers", "--status", "--timeout-ms", "3000"], { cwd: dir.dir });

  await t.step("exit 1 and a summary line when any server is down", () => {
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, "");
    assert.match(run.stdout, /\n4 of 7 servers down\.\n$/);
  });

  const line = (name: string) =>
    run.stdout.split("\n").find((l) => l.startsWith(`${name} `)) ?? `(no line for ${name})`;

  await t.step("live servers over stdio and HTTP are ok, with latency and what they offer", () => {
    assert.match(
      line("everything"),
      /^everything +ok +\d+ ms +mcp-servers\/everything [\d.]+; .*resources.*$/,
    );
    assert.match(line("remote"), /^remote +ok +\d+ ms +mcp-servers\/everything [\d.]+; .*prompts/);
  });

  await t.step("each down server has its cause in one line", () => {
    assert.match(
      line("hangs"),
      /^hangs +down +\d+ ms +CONNECT_FAILED: .*the MCP handshake did not finish within 3000 ms/,
    );
    assert.match(
      line("missing"),
      /^missing +down +\d+ ms +COMMAND_NOT_FOUND: .*"no-such-mcp-server-anywhere" not found on PATH/,
    );
    assert.match(
      line("nobody"),
      /^nobody +down +\d+ ms +CONNECT_FAILED: Cannot connect to server "nobody" at http:\/\/127\.0\.0\.1:\d+\/mcp/,
    );
    assert.match(
      line("wedged"),
      /^wedged +down +\d+ ms +CONNECT_FAILED: .*the MCP handshake did not finish within 3000 ms/,
    );
    assert.match(line("off"), /^off +disabled$/);
  });

  await t.step("the server that hung on initialize was stopped (by pid)", async () => {
    const pid = Number(await Deno.readTextFile(pidFile));
    assert.ok(pid > 0);
    assert.equal(isAlive(pid), false, `pid ${pid} of the hanging server is still running`);
  });

  await t.step("--json is structured: ok, down count, one entry per server", async () => {
    const json = await runMcpx(
      ["servers", "--status", "--timeout-ms", "3000", "--json", "everything", "missing"],
      { cwd: dir.dir },
    );
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.down, 1);
    assert.deepEqual(
      report.servers.map((s: { name: string; status: string }) => [s.name, s.status]),
      [
        ["everything", "ok"],
        ["missing", "down"],
      ],
    );
    assert.equal(report.servers[0].serverInfo.name, "mcp-servers/everything");
    assert.ok(report.servers[0].capabilities.includes("prompts"));
    assert.equal(report.servers[1].code, "COMMAND_NOT_FOUND");
  });
});

Deno.test("mcpx servers --status exits 0 when every server answers", async () => {
  await using dir = await project({ everything });
  const run = await runMcpx(["servers", "--status"], { cwd: dir.dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^NAME +STATUS +LATENCY +DETAIL\neverything +ok +\d+ ms /);
});

Deno.test("mcpx servers --status refuses bad input in one line", async (t) => {
  await t.step("an unknown server name", async () => {
    const run = await runMcpx(["servers", "--status", "nope"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: Unknown server "nope"; configured: everything, /);
  });
  await t.step("a bad --timeout-ms", async () => {
    const run = await runMcpx(["servers", "--status", "--timeout-ms", "soon"]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^error: mcpx servers: --timeout-ms must be a positive integer, got "soon"\.\n$/,
    );
  });
  await t.step("--timeout-ms without --status", async () => {
    const run = await runMcpx(["servers", "--timeout-ms", "100"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: mcpx servers: --timeout-ms goes with --status\.\n$/);
  });
});
