/**
 * `mcpx daemon`: start/status/stop, forwarded commands behave exactly as without the daemon,
 * and a daemon killed with SIGKILL in any state leaves no process, socket or temp dir.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliRun, runMcpx } from "../helpers/cli.ts";
import { CLI, ROOT, SERVERS } from "../helpers/paths.ts";
import { skipUnless } from "../helpers/skip.ts";
import { alive, descendants, exists, groupMembers, status, until } from "../helpers/daemon.ts";

const server = (pkg: string) => ({ command: "deno", args: ["run", "--allow-all", "--quiet", pkg] });

/** A project with the everything and memory servers and its own daemon directory. */
async function project(memory: Record<string, unknown> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-daemon-test-" });
  const daemonDir = join(dir, "d");
  await Deno.writeTextFile(
    join(dir, "mcp_config.json"),
    JSON.stringify({
      mcpServers: {
        everything: server(SERVERS.everything),
        memory: {
          ...server(SERVERS.memory),
          env: { MEMORY_FILE_PATH: "${configDir}/workspace/memory.jsonl" },
          ...memory,
        },
        // Ignores stdin EOF and SIGTERM and never answers initialize: only SIGKILL ends it.
        stubborn: {
          command: "deno",
          args: [
            "run",
            "-A",
            join(ROOT, "tests/fixtures/servers/hangs_on_initialize.ts"),
            "stubborn.pid",
          ],
          cwd: dir,
        },
      },
      daemon: { idle_timeout: 120 },
    }),
  );
  const env = { MCPX_DAEMON_DIR: daemonDir };
  const mcpx = (args: string[]): Promise<CliRun> => runMcpx(args, { cwd: dir, env });
  return {
    dir,
    daemonDir,
    mcpx,
    async [Symbol.asyncDispose]() {
      await mcpx(["daemon", "stop"]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("daemon: forwarded call, tools and exec print and exit exactly as without it", async () => {
  await using p = await project();
  await Deno.writeTextFile(join(p.dir, "hello.ts"), 'console.log("hello"); Deno.exit(3);');
  const commands = [
    ["call", "everything", "echo", "message=hi"],
    ["call", "everything", "echo", "message=hi", "--json"],
    ["call", "everything", "nosuch"],
    ["call", "nosuchserver", "echo"],
    ["call", "everything"],
    ["tools", "everything"],
    ["servers", "--json"],
    ["exec", "hello.ts"],
    ["exec", "--json", "hello.ts"],
  ];
  const bare: CliRun[] = [];
  for (const argv of commands) bare.push(await p.mcpx(["--no-daemon", ...argv]));
  const started = await p.mcpx(["daemon", "start"]);
  assert.deepEqual(started.code, 0, started.stderr);
  for (const [i, argv] of commands.entries()) {
    const warm = await p.mcpx(argv);
    const cold = bare[i]!;
    assert.deepEqual(warm.code, cold.code, `exit of mcpx ${argv.join(" ")}`);
    if (argv.includes("--json") && argv[0] === "exec") {
      const [w, c] = [JSON.parse(warm.stdout), JSON.parse(cold.stdout)];
      // Each run has its own id and duration (the audit log's run id); the rest is identical.
      assert.ok(typeof w.runId === "string" && w.runId !== c.runId);
      assert.deepEqual({ ...w, durationMs: 0, runId: "" }, { ...c, durationMs: 0, runId: "" });
    } else {
      assert.deepEqual(warm.stdout, cold.stdout, `stdout of mcpx ${argv.join(" ")}`);
    }
    assert.deepEqual(warm.stderr, cold.stderr, `stderr of mcpx ${argv.join(" ")}`);
  }
  const s = await status(p.mcpx);
  assert.deepEqual(s.running, true);
  // Every forwarded command ran in the daemon, and the server stayed connected across calls.
  assert.deepEqual(s.runs, commands.length);
  const everything = s.servers.find((row: { name: string }) => row.name === "everything");
  assert.deepEqual(everything.connected, true);
  assert.deepEqual(everything.connects, 1);
  assert(everything.rssKiB > 0);
  const stopped = await p.mcpx(["daemon", "stop"]);
  assert.deepEqual(stopped.code, 0);
  assert.deepEqual(exists(p.daemonDir) && [...Deno.readDirSync(p.daemonDir)].length > 0, false);
  assert.deepEqual(groupMembers(s.pid), []);
});

Deno.test("daemon: status without a daemon says how to start one; a second start is refused", async () => {
  await using p = await project();
  const none = await p.mcpx(["daemon", "status"]);
  assert.deepEqual(none.code, 3);
  assert.match(none.stdout, /No daemon runs for .*mcp_config\.json; "mcpx daemon start"/);
  assert.deepEqual((await p.mcpx(["daemon", "start"])).code, 0);
  const again = await p.mcpx(["daemon", "start"]);
  assert.deepEqual(again.code, 1);
  assert.match(again.stderr, /^error: A daemon already runs for this config/);
});

for (const state of ["idle", "server connected", "run in flight"] as const) {
  Deno.test(`daemon: SIGKILL while ${state} leaves no process, socket or temp dir`, async () => {
    await using p = await project();
    await Deno.writeTextFile(
      join(p.dir, "slow.ts"),
      'console.log("started"); await new Promise((r) => setTimeout(r, 60_000));',
    );
    assert.deepEqual((await p.mcpx(["daemon", "start"])).code, 0);
    const pid = (await status(p.mcpx)).pid as number;
    let inFlight: Promise<CliRun> | undefined;
    let stubborn: number | undefined;
    if (state !== "idle") {
      assert.deepEqual((await p.mcpx(["call", "memory", "read_graph"])).code, 0);
      assert.deepEqual((await p.mcpx(["call", "everything", "echo", "message=x"])).code, 0);
      // The daemon keeps trying to connect it after this command gave up.
      const gaveUp = await p.mcpx(["call", "stubborn", "x", "--timeout-ms", "300"]);
      assert.match(gaveUp.stderr, /did not finish within 300 ms/);
      assert.ok(await until(() => exists(join(p.dir, "stubborn.pid"))));
      await new Promise((resolve) => setTimeout(resolve, 100));
      stubborn = Number(Deno.readTextFileSync(join(p.dir, "stubborn.pid")));
      assert.ok(alive(stubborn));
    }
    if (state === "run in flight") {
      inFlight = p.mcpx(["exec", "slow.ts"]);
      assert(await until(async () => (await status(p.mcpx)).inFlight.length === 1));
      // The sandboxed run (in a process group of its own) is running.
      assert(await until(() => [...descendants(pid).values()].some((c) => c.includes("slow.ts"))));
    }
    const below = [...descendants(pid).keys()];
    assert(below.length >= (state === "idle" ? 0 : 2), `children ${below}`);
    Deno.kill(pid, "SIGKILL");
    assert(await until(() => groupMembers(pid).length === 0), `left: ${groupMembers(pid)}`);
    if (stubborn !== undefined) assert.ok(await until(() => !alive(stubborn)), "stubborn left");
    const orphans = () => below.filter(alive);
    assert(await until(() => orphans().length === 0), `left: ${orphans()}`);
    // The base directory stays (shared by the user's daemons); this daemon's own is swept.
    const left = () =>
      exists(p.daemonDir) ? [...Deno.readDirSync(p.daemonDir)].map((e) => e.name) : [];
    assert(await until(() => left().length === 0), `left in the daemon directory: ${left()}`);
    if (inFlight !== undefined) {
      const run = await inFlight;
      assert.deepEqual(run.code, 1);
      assert.match(run.stderr, /the mcpx daemon closed the connection before the command ended/);
    }
    // The next command runs without a daemon, as if none had ever run.
    const after = await p.mcpx(["call", "everything", "echo", "message=after"]);
    assert.deepEqual(after.stdout, "Echo: after\n");
  });
}

Deno.test("daemon: five concurrent runs through a serialized memory server lose no entity; an undeclared server stays unreachable", async () => {
  await using p = await project({ serialize: true });
  const types = join(ROOT, "lib/client/types.ts");
  await Deno.writeTextFile(
    join(p.dir, "write.ts"),
    `import { TOOL_CALLER_KEY, type ToolCaller } from "${types}";
const caller = (globalThis as unknown as { [TOOL_CALLER_KEY]: ToolCaller })[TOOL_CALLER_KEY];
const run = Deno.args[0] ?? crypto.randomUUID().slice(0, 8);
await Promise.all(Array.from({ length: 8 }, (_, i) =>
  caller.callTool("memory", "create_entities", {
    entities: [{ name: \`\${crypto.randomUUID()}\`, entityType: "t", observations: ["o"] }],
  })
));
console.log("wrote 8");`,
  );
  await Deno.writeTextFile(
    join(p.dir, "sneak.ts"),
    `import { TOOL_CALLER_KEY, type ToolCaller } from "${types}";
const caller = (globalThis as unknown as { [TOOL_CALLER_KEY]: ToolCaller })[TOOL_CALLER_KEY];
try {
  await caller.callTool("everything", "echo", { message: "x" });
  console.log("reached");
} catch (error) {
  console.log((error as { code?: string }).code);
}`,
  );
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  const runs = await Promise.all(
    Array.from({ length: 5 }, () => p.mcpx(["exec", "--servers", "memory", "write.ts"])),
  );
  for (const run of runs) assert.deepEqual([run.code, run.stdout], [0, "wrote 8\n"], run.stderr);
  const graph = await p.mcpx(["call", "memory", "read_graph", "--json"]);
  const entities = JSON.parse(graph.stdout).value.entities;
  assert.equal(entities.length, 40);
  // One server process served all five runs.
  const s = await status(p.mcpx);
  const memory = s.servers.find((row: { name: string }) => row.name === "memory");
  assert.deepEqual([memory.connects, memory.serialize], [1, true]);
  // A run that did not declare "everything" cannot call it, although the daemon has it.
  await p.mcpx(["call", "everything", "echo", "message=warm"]);
  const sneak = await p.mcpx(["exec", "--servers", "memory", "sneak.ts"]);
  assert.equal(sneak.stdout, "SERVER_NOT_ALLOWED\n");
});

Deno.test("daemon: a daemon directory that others can enter is refused, with the fix", async () => {
  await using p = await project();
  await Deno.mkdir(p.daemonDir, { mode: 0o755 });
  await Deno.chmod(p.daemonDir, 0o755);
  const run = await p.mcpx(["daemon", "start"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: .* is not a private directory of this user .*MCPX_DAEMON_DIR/);
  assert.equal(run.stderr.trim().split("\n").length, 1);
  assert.deepEqual([...Deno.readDirSync(p.daemonDir)], []);
});

Deno.test("daemon: the client never talks to a socket in a directory others can write", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  const dir = [...Deno.readDirSync(p.daemonDir)][0]!.name;
  await Deno.chmod(join(p.daemonDir, dir), 0o777);
  const run = await p.mcpx(["call", "everything", "echo", "message=x"]);
  assert.equal(run.stdout, "Echo: x\n");
  assert.equal((await status(p.mcpx)).runs, 0);
  await Deno.chmod(join(p.daemonDir, dir), 0o700);
});

Deno.test("daemon: SIGTERM stops servers and removes socket, pid file and temp dir", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  assert.equal((await p.mcpx(["call", "everything", "echo", "message=x"])).code, 0);
  const s = await status(p.mcpx);
  const server = s.servers.find((row: { name: string }) => row.name === "everything").pid;
  Deno.kill(s.pid, "SIGTERM");
  assert.ok(await until(() => !alive(s.pid) && !alive(server)));
  assert.deepEqual([...Deno.readDirSync(p.daemonDir)], []);
});

Deno.test("daemon: with daemon and watchdog both killed, commands fall back and stop sweeps the stale socket", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  const dir = join(p.daemonDir, [...Deno.readDirSync(p.daemonDir)][0]!.name);
  const s = await status(p.mcpx);
  // Kill the watchdog first, then the daemon: nobody cleans up.
  const watchdog = [...descendants(s.pid).entries()].find(([, cmd]) =>
    cmd.includes("mcpx-daemon-watchdog") && cmd.includes(dir)
  )?.[0];
  assert.ok(watchdog !== undefined);
  Deno.kill(watchdog, "SIGKILL");
  Deno.kill(s.pid, "SIGKILL");
  assert.ok(await until(() => !alive(s.pid)));
  // Its other threads may hold the listening socket a moment longer than the leader's exit.
  assert.ok(
    await until(() =>
      Deno.connect({ transport: "unix", path: join(dir, "sock") }).then(
        (conn) => (conn.close(), false),
        () => true,
      )
    ),
  );
  assert.ok(exists(join(dir, "sock")), "the stale socket is there");
  // A command falls back to running itself.
  const fallback = await p.mcpx(["call", "everything", "echo", "message=x"]);
  assert.equal(fallback.stdout, "Echo: x\n", fallback.stderr);
  assert.equal(
    (await p.mcpx(["daemon", "stop"])).stdout,
    `No daemon runs for ${p.dir}/mcp_config.json.\n`,
  );
  assert.equal(exists(dir), false);
});

Deno.test("daemon: calls on its shared manager pass the checkpoint (a blocked tool is refused, every call audited)", async () => {
  await using p = await project();
  const path = join(p.dir, "mcp_config.json");
  const config = JSON.parse(await Deno.readTextFile(path));
  config.policies = { "everything.get-sum": "block", "everything.echo": "allow" };
  await Deno.writeTextFile(path, JSON.stringify(config));
  const env = { MCPX_DAEMON_DIR: p.daemonDir, XDG_STATE_HOME: join(p.dir, "state") };
  const mcpx = (args: string[]) => runMcpx(args, { cwd: p.dir, env });
  const bare = await mcpx(["--no-daemon", "call", "everything", "get-sum", "a=1", "b=2"]);
  assert.equal((await mcpx(["daemon", "start"])).code, 0);
  const blocked = await mcpx(["call", "everything", "get-sum", "a=1", "b=2"]);
  assert.equal(blocked.code, 1);
  assert.match(
    blocked.stderr,
    /^error: everything\.get-sum is blocked by policy "everything\.get-sum"/,
  );
  assert.deepEqual([blocked.stdout, blocked.stderr], [bare.stdout, bare.stderr]);
  const echo = await mcpx(["call", "everything", "echo", "message=hi"]);
  assert.equal(echo.code, 0, echo.stderr);
  const s = await status(mcpx);
  assert.equal(s.runs, 2, "both calls ran in the daemon");
  assert.equal(s.servers.find((row: { name: string }) => row.name === "everything").calls, 1);
  const log = await mcpx(["log", "--json", "--tail", "0"]);
  const calls = log.stdout.trim().split("\n").map((line) => JSON.parse(line))
    .filter((r) => r.type === "call").map((r) => `${r.tool}:${r.outcome ?? r.decision}`);
  // The bare call and the daemon's blocked one, then the daemon's echo.
  assert.equal(calls.length, 3, log.stdout);
  assert.match(calls[1]!, /^get-sum:/);
  assert.match(calls[2]!, /^echo:ok/);
});

Deno.test("daemon: a call that needs an approval is asked on the user's terminal, never on the daemon's", async () => {
  const hasScript = await new Deno.Command("script", { args: ["--version"] }).output()
    .then((output) => output.success, () => false);
  if (skipUnless(hasScript, "util-linux script (pseudo-terminal) is not installed")) return;
  await using p = await project();
  const path = join(p.dir, "mcp_config.json");
  const config = JSON.parse(await Deno.readTextFile(path));
  config.policies = { "everything.get-sum": "approve" };
  await Deno.writeTextFile(path, JSON.stringify(config));
  const env = { MCPX_DAEMON_DIR: p.daemonDir, XDG_STATE_HOME: join(p.dir, "state") };
  const mcpx = (args: string[]) => runMcpx(args, { cwd: p.dir, env });
  assert.equal((await mcpx(["daemon", "start"])).code, 0);
  // Without a terminal: forwarded, and the daemon does not ask (on no terminal of its own either).
  const plain = await mcpx(["call", "everything", "get-sum", "a=1", "b=2"]);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /^error: everything\.get-sum needs approval/);
  assert.equal((await status(mcpx)).runs, 1);
  // On a terminal: run by the client itself, which asks there; y approves.
  const command = [Deno.execPath(), "run", "-A", "--quiet", CLI, "call", "everything", "get-sum"]
    .concat(["a=1", "b=2"]).map((word) => `'${word}'`).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    cwd: p.dir,
    env: { ...env, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("y\n"));
  await writer.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text);
  assert.match(text, /get-sum/);
  assert.match(text, /The sum of 1 and 2 is 3\./);
  assert.equal((await status(mcpx)).runs, 1, "the terminal's call ran in the client");
});
