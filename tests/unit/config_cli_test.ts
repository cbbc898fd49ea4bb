import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI, ROOT } from "../helpers/paths.ts";

const DENO_DIR = Deno.env.get("DENO_DIR") ??
  JSON.parse(
    new TextDecoder().decode(
      new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).outputSync().stdout,
    ),
  ).denoDir as string;

/** Runs `mcpx config …` as a subprocess with a private HOME (so no user config leaks in). */
async function mcpxConfig(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", CLI, "config", ...args],
    cwd: options.cwd,
    env: {
      NO_COLOR: "1",
      DENO_DIR,
      HOME: join(options.cwd, "home"),
      XDG_CONFIG_HOME: "",
      MCPX_CONFIG: "",
      ...options.env,
    },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_config_cli_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("mcpx config prints the repository config: file, sandbox, 3 servers", async () => {
  const r = await mcpxConfig([], { cwd: ROOT });
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith(`config file: ${ROOT}/mcp_config.json\nroot: ${ROOT}\n`));
  assert.match(r.stdout, /\n {2}tier: +deno\n/);
  assert.match(r.stdout, /\n {2}memory limit: +512 MiB\n/);
  assert.match(r.stdout, /\nservers \(3\):\n {2}everything {2}stdio/);
  assert.match(
    r.stdout,
    /\n {4}command: +deno run --allow-all --quiet npm:@modelcontextprotocol\/server-memory@[\d.]+\n/,
  );
  assert.match(
    r.stdout,
    new RegExp(`\\n {4}env: +MEMORY_FILE_PATH=${ROOT}/.mcpx-data/memory\\.jsonl\\n`),
  );
});

Deno.test("mcpx config --json --config masks secrets and reports the file", async () => {
  await withTempDir(async (dir) => {
    const fixture = `${ROOT}/tests/fixtures/config/claude_desktop.json`;
    const r = await mcpxConfig(["--json", "--config", fixture], { cwd: dir });
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    const report = JSON.parse(r.stdout);
    assert.equal(report.path, fixture);
    assert.deepEqual(report.searched, [fixture]);
    assert.equal(report.sandbox.tier, "deno");
    assert.equal(report.sandbox.image, null);
    assert.deepEqual(report.servers.github.env, { GITHUB_PERSONAL_ACCESS_TOKEN: "gh…(masked)" });
    assert.ok(!r.stdout.includes("0123456789abcdefghij"), "the token never appears");
  });
});

Deno.test("mcpx config without any file says where it looked and uses defaults", async () => {
  await withTempDir(async (dir) => {
    const r = await mcpxConfig([], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.ok(
      r.stdout.startsWith(
        "config file: none found (using defaults); looked at:\n" +
          `  ${dir}/mcp_config.json\n  ${dir}/home/.config/mcpx/mcp_config.json\nroot: ${dir}\n`,
      ),
      r.stdout,
    );
    assert.match(r.stdout, /\nservers: none\n$/);
  });
});

Deno.test("mcpx config honours $MCPX_CONFIG and prints warnings on stderr", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "custom.json"),
      JSON.stringify({ mcpServers: { a: { url: "http://127.0.0.1:9/mcp", headrs: {} } } }),
    );
    const r = await mcpxConfig([], { cwd: dir, env: { MCPX_CONFIG: "custom.json" } });
    assert.equal(r.code, 0);
    assert.equal(
      r.stderr,
      'warning: custom.json: mcpServers.a.headrs: unknown key, ignored (did you mean "headers"?)\n',
    );
    assert.match(r.stdout, /^config file: .*\/custom\.json\n/);
    assert.match(r.stdout, /\n {2}a {2}http \(falls back to sse\) {2}timeout 60 s\n/);
  });
});

Deno.test("mcpx config with an invalid file: one error line, no stack, exit 1", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "mcp_config.json"), '{"mcpServers": {"git": {}}}');
    const r = await mcpxConfig([], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      'error: mcp_config.json: mcpServers.git.command: required for a stdio server (add "command":' +
        ' "<program>" or a "url")\n',
    );
  });
});

Deno.test("mcpx config --config naming a missing file fails with CONFIG_NOT_FOUND's message", async () => {
  await withTempDir(async (dir) => {
    const r = await mcpxConfig(["--config", "nope.json"], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      "error: nope.json: config file not found (check the path given to --config)\n",
    );
  });
});

Deno.test("mcpx config usage errors exit 2", async (t) => {
  for (const args of [["extra"], ["--bogus"]]) {
    await t.step(args.join(" "), async () => {
      const r = await mcpxConfig(args, { cwd: ROOT });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^error: mcpx config: .*Run "mcpx config --help"\.\n$/);
    });
  }
});
