import assert from "node:assert/strict";
import { CLI, ROOT } from "../helpers/paths.ts";
import { isAlive } from "../helpers/servers.ts";

const FIXTURE = `${ROOT}/tests/fixtures/servers/misbehaving.ts`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function mcpx(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** A temp dir with an mcp_config.json holding the misbehaving fixture as "bad". */
async function fixtureConfig(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_cli_call_" });
  const path = `${dir}/mcp_config.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      mcpServers: {
        bad: {
          command: Deno.execPath(),
          args: ["run", "-A", "--quiet", FIXTURE, "--ignore-eof"],
        },
        off: { command: "deno", args: ["--version"], disabled: true },
      },
    }),
  );
  return { path, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("mcpx call everything get-sum a=2 b=3 prints the server's answer", async () => {
  const run = await mcpx(["call", "everything", "get-sum", "a=2", "b=3"]);
  assert.equal(run.stderr, "");
  assert.equal(run.code, 0);
  // The pinned server-everything answers get-sum with this sentence (no structuredContent).
  assert.equal(run.stdout, "The sum of 2 and 3 is 5.\n");
});

Deno.test("mcpx call sends message=123 as the string the schema asks for", async () => {
  const run = await mcpx(["call", "everything", "echo", "message=123"]);
  assert.equal(run.stderr, "");
  assert.equal(run.stdout, "Echo: 123\n");
});

Deno.test("mcpx call warns about an argument the tool does not declare", async () => {
  const run = await mcpx(["call", "everything", "echo", "message=hi", "mesage=typo"]);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "Echo: hi\n");
  assert.match(
    run.stderr,
    /^warning: tool "everything\.echo" does not declare argument "mesage"; sent anyway\. Did you mean "message"\?/,
  );
});

Deno.test("mcpx call --json prints the whole ToolResult", async () => {
  const run = await mcpx(["call", "everything__get-sum", "--args", '{"a": 1, "b": 2}', "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.value, "The sum of 1 and 2 is 3.");
  assert.deepEqual(result.content, [{ type: "text", text: "The sum of 1 and 2 is 3." }]);
});

Deno.test("mcpx call summarizes image content", async () => {
  const run = await mcpx(["call", "everything", "get-tiny-image"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^\[image\/png, \d+ bytes\]$/m);
});

Deno.test("mcpx call types key=value by the schema; --args is sent as typed", async (t) => {
  await using config = await fixtureConfig();
  await t.step("a bare number is the string the schema asks for", async () => {
    const run = await mcpx(["call", "--config", config.path, "bad", "echo", "text=2"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { echoed: "2" });
  });
  await t.step("a number in --args reaches the server, which rejects it in one line", async () => {
    const run = await mcpx([
      "call",
      "--config",
      config.path,
      "bad",
      "echo",
      "--args",
      '{"text":2}',
    ]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^error: .*expected string/);
    assert.equal(run.stderr.trim().split("\n").length, 1);
  });
});

Deno.test("mcpx call exits 1 with one error line on failures", async (t) => {
  await using config = await fixtureConfig();
  const cases: [string, string[], RegExp][] = [
    ["tool error", ["bad", "fail"], /^error: Tool "bad\.fail" failed: this tool always fails$/],
    ["unknown tool", ["bad", "ecoh"], /did you mean "echo"/],
    ["unknown server", ["nope", "x"], /Unknown server "nope"; configured: bad, off/],
    ["disabled server", ["off", "x"], /Server "off" is disabled/],
    ["timeout", ["bad", "hang", "--timeout-ms", "300"], /timed out after 300 ms/],
  ];
  for (const [label, args, pattern] of cases) {
    await t.step(label, async () => {
      const run = await mcpx(["call", "--config", config.path, ...args]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr.trimEnd(), pattern);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    });
  }
});

Deno.test("mcpx call exits 2 on usage errors", async (t) => {
  for (
    const args of [["everything"], ["everything", "get-sum", "novalue"], [
      "x",
      "y",
      "--args",
      "[1]",
    ]]
  ) {
    await t.step(args.join(" "), async () => {
      const run = await mcpx(["call", ...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^error: mcpx call/);
    });
  }
});

Deno.test("a one-shot mcpx call leaves no server process behind", async () => {
  await using config = await fixtureConfig();
  const run = await mcpx(["call", "--config", config.path, "bad", "pid"]);
  assert.equal(run.code, 0, run.stderr);
  const pid = Number(run.stdout.trim());
  assert.ok(pid > 0);
  assert.equal(isAlive(pid), false);
});

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    const text = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`).trim();
    if (text !== "") found.push(...text.split(/\s+/).map(Number));
  }
  return found;
}

Deno.test("SIGINT during mcpx call cancels it, stops the server and exits 1", async () => {
  await using config = await fixtureConfig();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, "call", "--config", config.path, "bad", "hang"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Wait until the server process has been started by the CLI.
  let server: number | undefined;
  while (server === undefined) {
    server = childrenOf(child.pid)[0];
    if (server === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Give the server time to receive the call (it is cancelled either way).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  child.kill("SIGINT");
  const output = await child.output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, stderr);
  assert.match(stderr, /^error: .*cancelled/);
  assert.equal(isAlive(server), false);
});

Deno.test("mcpx servers lists entries without connecting", async (t) => {
  await using config = await fixtureConfig();
  await t.step("table", async () => {
    const run = await mcpx(["servers", "--config", config.path]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^NAME +TYPE +TARGET/);
    assert.match(run.stdout, /^off +stdio +deno --version +disabled$/m);
  });
  await t.step("--json", async () => {
    const run = await mcpx(["servers", "--config", config.path, "--json"]);
    const rows = JSON.parse(run.stdout);
    assert.deepEqual(rows[1], {
      name: "off",
      type: "stdio",
      target: "deno --version",
      disabled: true,
    });
  });
});

Deno.test("mcpx tools lists names with one-line descriptions, --schema adds schemas", async (t) => {
  await using config = await fixtureConfig();
  await t.step("plain", async () => {
    const run = await mcpx(["tools", "--config", config.path, "bad"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^echo +Echoes text as structured content\.$/m);
    assert.match(run.stdout, /^hang +Never answers\.$/m);
  });
  await t.step("--schema", async () => {
    const run = await mcpx(["tools", "--config", config.path, "bad", "--schema"]);
    assert.match(run.stdout, /"text": \{\s+"type": "string"/);
  });
  await t.step("--json", async () => {
    const run = await mcpx(["tools", "--config", config.path, "bad", "--json", "--schema"]);
    const tools = JSON.parse(run.stdout);
    assert.ok(
      tools.some((tool: { name: string; inputSchema?: unknown }) =>
        tool.name === "echo" && tool.inputSchema !== undefined
      ),
    );
  });
  await t.step("without a server it is a usage error", async () => {
    const run = await mcpx(["tools"]);
    assert.equal(run.code, 2);
  });
});
