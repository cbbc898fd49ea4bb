import assert from "node:assert/strict";
import { execProject, fixture } from "./_exec_project.ts";
import { ROOT } from "../helpers/paths.ts";
import { processesNaming } from "../helpers/processes.ts";

/** Whether a process of a run in `root` is still alive (the pid a run prints is the one inside its
 * own PID namespace, so the host is searched by command line). */
const alive = (root: string) => processesNaming(root).length > 0;

Deno.test("mcpx exec runs skills in the fast tier end to end", async (t) => {
  await using project = await execProject();

  await t.step("a skill's stdout and exit code come through", async () => {
    const r = await project.exec([fixture("echo_args.ts"), "--name", "three", "--count", "2"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '{"name":"three","count":2}\n');
  });

  await t.step("--json reports one object", async () => {
    const r = await project.exec(["--json", fixture("echo_args.ts"), "--name", "a"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.exitCode, 0);
    assert.equal(report.stdout, '{"name":"a","count":1}\n');
    assert.equal(report.timedOut, false);
    assert.equal(report.truncated, false);
    assert.equal(report.tier, "deno");
    assert.deepEqual(report.toolCalls, []);
    assert.ok(typeof report.durationMs === "number");
  });

  await t.step("10 MB of output is cut at 1 MiB and said", async () => {
    const r = await project.exec(["--json", fixture("print_flood.ts")]);
    const report = JSON.parse(r.stdout);
    assert.equal(report.truncated, true);
    assert.equal(report.stdout.length, 1024 * 1024);
    assert.match(report.stderr, /\[mcpx: stdout cut at 1 MiB\]/);
  });

  await t.step("an endless loop ends at --timeout with 124 and leaves nothing behind", async () => {
    const r = await project.exec(["--json", "--timeout", "2", fixture("spin.ts")]);
    assert.equal(r.code, 124);
    const report = JSON.parse(r.stdout);
    assert.equal(report.timedOut, true);
    assert.equal(report.killed, "timeout");
    assert.match(report.stderr, /\[mcpx: timed out after 2 s; the skill was killed\]/);
    assert.ok(Number(/pid (\d+)/.exec(report.stderr)?.[1]) > 0);
    assert.equal(alive(project.root), false);
  });

  await t.step("SIGTERM to mcpx kills the skill, exit 130, nothing survives", async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", `${ROOT}/cli.ts`, "exec", fixture("spin.ts")],
      cwd: project.root,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const { reader, stderr } = await stderrUntil(child, /pid \d+/);
    assert.equal(alive(project.root), true); // the search finds a live run
    child.kill("SIGTERM");
    const [status] = await Promise.all([child.status, child.stdout.cancel()]);
    await reader.cancel();
    assert.equal(status.code, 130);
    assert.ok(Number(/pid (\d+)/.exec(stderr)?.[1]) > 0);
    assert.equal(alive(project.root), false);
  });
});

Deno.test("if mcpx itself is SIGKILLed, the skill still ends (timeout backstop)", async () => {
  await using project = await execProject();
  await Deno.mkdir(`${project.root}/tmp`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}/cli.ts`, "exec", "--timeout", "1", fixture("spin.ts")],
    cwd: project.root,
    // A killed mcpx cannot remove its bridge directory: keep it inside the project.
    env: { NO_COLOR: "1", TMPDIR: `${project.root}/tmp` },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const { reader, stderr } = await stderrUntil(child, /pid \d+/);
  assert.equal(alive(project.root), true); // the search finds a live run
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  const pid = Number(/pid (\d+)/.exec(stderr)?.[1]);
  assert.ok(pid > 0, stderr);
  // Nobody is left to enforce --timeout 1; coreutils timeout kills the run 2 s after it.
  for (let i = 0; i < 100 && alive(project.root); i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(alive(project.root), false);
});

Deno.test("mcpx exec uses the project's own deno.json, with or without a lock file", async () => {
  await using project = await execProject();
  await Deno.writeTextFile(
    `${project.root}/deno.json`,
    JSON.stringify({ imports: { zod: "npm:zod@4.6.7" } }),
  );
  await Deno.writeTextFile(
    `${project.root}/check.ts`,
    'import { z } from "zod";\nconsole.log(z.string().parse("resolved through the project map"));\n',
  );
  const r = await project.exec(["check.ts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "resolved through the project map\n");
  // Without a lock file the harness neither requires one nor writes one (--no-lock).
  await assert.rejects(Deno.stat(`${project.root}/deno.lock`), Deno.errors.NotFound);
});

Deno.test("mcpx exec: the bridge refuses what the run may not do and survives abuse", async (t) => {
  await using project = await execProject();
  await Deno.mkdir(project.workspace, { recursive: true });
  const abuse = async (mode: string) => {
    await Deno.writeTextFile(`${project.workspace}/mode.txt`, mode);
    return await project.exec([
      "--servers",
      "everything",
      `${ROOT}/tests/sandbox/attacks/bridge_abuse.ts`,
    ]);
  };

  await t.step(
    "a server outside --servers: SERVER_NOT_ALLOWED, then a normal call works",
    async () => {
      const r = await abuse("not-allowed");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^REFUSED Error: SERVER_NOT_ALLOWED: .*"memory"/m);
      assert.match(r.stdout, /^AFTER "Echo: still alive"$/m);
    },
  );

  await t.step("an unknown tool: UNKNOWN_TOOL", async () => {
    const r = await abuse("unknown-tool");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^REFUSED Error: UNKNOWN_TOOL: .*no_such_tool/m);
    assert.match(r.stdout, /^AFTER /m);
  });

  await t.step("10,000 refused requests at once, then a normal call", async () => {
    const r = await abuse("flood");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^FLOOD 10000 SERVER_NOT_ALLOWED$/m);
    assert.match(r.stdout, /^AFTER /m);
  });

  await t.step(
    "malformed frames on the raw socket are each answered with a JSON-RPC error",
    async () => {
      const temp = `${project.root}/tmp`;
      await Deno.mkdir(temp);
      await Deno.writeTextFile(`${project.workspace}/mode.txt`, `malformed ${temp}`);
      const r = await project.exec(
        [
          "--servers",
          "everything",
          "--allow-read",
          temp,
          `${ROOT}/tests/sandbox/attacks/bridge_abuse.ts`,
        ],
        { env: { TMPDIR: temp } },
      );
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split("\n").filter((l) => /^(REFUSED|ALLOWED) /.test(l));
      assert.equal(lines.length, 4, r.stdout);
      // Each bad frame gets a JSON-RPC error naming the problem; the connection stays usable.
      assert.match(lines[0]!, /"code":-32700,"message":"A frame is not JSON\./);
      assert.match(lines[1]!, /"code":-32600,"message":"A frame lacks a \\"method\\" string\./);
      assert.match(lines[2]!, /"code":-32600,"message":"A frame is a batch/);
      assert.match(
        lines[3]!,
        /"code":-32600,"message":"A request frame is larger than the bridge's cap/,
      );
      assert.match(r.stdout, /^AFTER "Echo: still alive"$/m);
    },
  );
});

Deno.test("done when: skills/fetch.ts prints a loopback page allowed with --allow-net", async () => {
  await using project = await execProject();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<html><body><h1>Hello page</h1><p>Some text.</p></body></html>", {
        headers: { "content-type": "text/html" },
      }),
  );
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    // The issue's own command line: --allow-net after the skill path.
    const r = await project.exec([
      `${ROOT}/skills/fetch.ts`,
      "--url",
      `http://${host}/page`,
      "--allow-net",
      host,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /# Hello page/);
    assert.match(r.stdout, /Some text\./);
  } finally {
    await server.shutdown();
  }
});

/** Reads the child's stderr until `pattern` shows up (or it ends); the reader stays open. */
async function stderrUntil(child: Deno.ChildProcess, pattern: RegExp) {
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  while (!pattern.test(stderr)) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
  }
  return { reader, stderr };
}
