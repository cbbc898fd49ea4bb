/**
 * The thin client's import-free config lookup agrees with the loader's search order, and the
 * daemon paths are per config and private.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { configCandidates } from "../../lib/config/load.ts";
import { daemonPaths, findConfigFile } from "../../lib/daemon/protocol.ts";
import { forwardedCommand, mayAskApproval, plainJson, runRemote } from "../../lib/daemon/client.ts";

Deno.test("findConfigFile picks the same file as the config loader in every case", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-protocol-" }));
  try {
    const cwd = join(root, "project");
    const home = join(root, "home");
    await Deno.mkdir(join(home, ".config", "mcpx"), { recursive: true });
    await Deno.mkdir(cwd, { recursive: true });
    const userFile = join(home, ".config", "mcpx", "mcp_config.json");
    const other = join(root, "other.json");
    await Deno.writeTextFile(userFile, "{}");
    await Deno.writeTextFile(other, "{}");
    const loaderPick = (argv: string[], env: Record<string, string>) => {
      const at = argv.indexOf("--config");
      const list = configCandidates({
        cwd,
        env,
        ...(at === -1 ? {} : { path: argv[at + 1]! }),
      });
      const found = list.find((c) => {
        try {
          Deno.statSync(c.path);
          return true;
        } catch {
          return false;
        }
      });
      return found === undefined ? null : Deno.realPathSync(found.path);
    };
    const cases: [string[], Record<string, string>][] = [
      [["call"], { HOME: home }],
      [["call", "--config", "../other.json"], { HOME: home }],
      [["call"], { HOME: home, MCPX_CONFIG: other }],
      [["call"], { HOME: join(root, "nobody") }],
      [["call"], { HOME: home, XDG_CONFIG_HOME: join(home, ".config") }],
    ];
    for (const [argv, env] of cases) {
      assert.equal(findConfigFile(argv, cwd, env), loaderPick(argv, env), JSON.stringify(env));
    }
    await Deno.writeTextFile(join(cwd, "mcp_config.json"), "{}");
    assert.equal(
      findConfigFile(["call"], cwd, { HOME: home }),
      loaderPick(["call"], { HOME: home }),
    );
    assert.equal(findConfigFile(["call"], cwd, { HOME: home }), join(cwd, "mcp_config.json"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("each config file has its own daemon directory under the user's base", () => {
  const env = { MCPX_DAEMON_DIR: "/run/x" };
  const a = daemonPaths("/p/a/mcp_config.json", env);
  const b = daemonPaths("/p/b/mcp_config.json", env);
  assert.notEqual(a.dir, b.dir);
  assert.ok(a.socket.startsWith("/run/x/") && a.socket.endsWith("/sock"));
  assert.equal(
    daemonPaths(null, { XDG_RUNTIME_DIR: "/run/user/7" }).dir.startsWith("/run/user/7/mcpx/"),
    true,
  );
});

Deno.test("the thin client forwards a command named after global options, and never with --no-daemon or --help", () => {
  assert.equal(forwardedCommand(["call", "a", "b"]), "call");
  assert.equal(forwardedCommand(["--json", "--config", "c.json", "-v", "tools", "x"]), "tools");
  assert.equal(forwardedCommand(["--config=c.json", "exec", "s.ts"]), "exec");
  assert.equal(forwardedCommand(["--no-daemon", "call", "a"]), undefined);
  assert.equal(forwardedCommand(["exec", "--no-daemon", "s.ts"]), undefined);
  assert.equal(forwardedCommand(["call", "a", "b", "--no-daemon"]), undefined);
  assert.equal(forwardedCommand(["tools", "x", "--help"]), undefined);
  assert.equal(forwardedCommand(["--bogus", "call"]), undefined);
  assert.equal(forwardedCommand(["--config", "c.json", "serve"]), "serve");
  assert.equal(forwardedCommand(["--config", "c.json", "serve", "--http"]), undefined);
  assert.equal(forwardedCommand(["--config", "c.json", "generate"]), undefined);
  assert.equal(forwardedCommand([]), undefined);
});

Deno.test("the thin client reads daemon.autostart from a config with comments and trailing commas", () => {
  const text = `\ufeff{
    // the daemon starts on first use
    "daemon": { "autostart": true, /* here */ },
    "mcpServers": { "a": { "command": "x", "args": ["//not a comment", "a,}", "q\\"/*"], }, },
  }`;
  assert.deepEqual(JSON.parse(plainJson(text)), {
    daemon: { autostart: true },
    mcpServers: { a: { command: "x", args: ["//not a comment", "a,}", 'q"/*'] } },
  });
});

Deno.test("a command that may ask for an approval on the user's terminal is not forwarded", () => {
  const approve = JSON.stringify({ policies: { "everything.get-sum": "approve" } });
  const perServer = JSON.stringify({ mcpServers: { a: { policies: { "*": "approve" } } } });
  const none = JSON.stringify({ policies: { "everything.*": "block" } });
  assert.equal(mayAskApproval(approve, () => true), true);
  assert.equal(mayAskApproval(perServer, () => true), true);
  assert.equal(mayAskApproval(approve, () => false), false);
  assert.equal(mayAskApproval(none, () => true), false);
  assert.equal(mayAskApproval("", () => true), false);
});

Deno.test("a daemon that resets the connection mid-command ends it with one error line, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const served = (async () => {
    const conn = await listener.accept();
    await new Promise((resolve) => setTimeout(resolve, 50));
    conn.close(); // unread input: the kernel answers with a reset
  })();
  try {
    const err: string[] = [];
    const conn = await Deno.connect({ transport: "unix", path });
    const frame = { t: "run" as const, argv: ["call", "x".repeat(1 << 16)], cwd: "/", env: {} };
    const code = await runRemote(conn, frame, { io: { out: () => {}, err: (t) => err.push(t) } });
    assert.equal(code, 1);
    assert.match(
      err.join(""),
      /^error: the mcpx daemon closed the connection before the command ended/,
    );
  } finally {
    await served;
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});
