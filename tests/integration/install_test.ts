import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI, ROOT } from "../helpers/paths.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * A proxy on a closed loopback port: any registry download fails, so a passing install proves
 * that `deno install -g` works offline from the cache.
 */
const OFFLINE = {
  HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "",
  NO_COLOR: "1",
};

async function run(program: string, args: string[], cwd: string) {
  const output = await new Deno.Command(program, { args, cwd, env: OFFLINE, stdin: "null" })
    .output();
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("mcpx install --dry-run prints the deno install command and installs nothing", async () => {
  const root = await Deno.makeTempDir({ prefix: "mcpx_install_" });
  try {
    const r = await run(Deno.execPath(), [
      "run",
      "-A",
      "--quiet",
      CLI,
      "install",
      "--dry-run",
      "--root",
      root,
    ], root);
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `${Deno.execPath()} install -g --force --name mcpx --config ${ROOT}/deno.json --root ${root} ` +
        "--allow-read --allow-write --allow-net --allow-env --allow-run --allow-sys --no-prompt " +
        `${ROOT}/cli.ts\n`,
    );
    assert.deepEqual([...Deno.readDirSync(root)], [], "nothing was installed");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("mcpx install puts a working mcpx into --root that runs from any directory, offline", async (t) => {
  const base = await Deno.makeTempDir({ prefix: "mcpx_install_" });
  const root = join(base, "root");
  const elsewhere = join(base, "elsewhere");
  await Deno.mkdir(elsewhere);
  try {
    await t.step("install", async () => {
      const r = await run(Deno.execPath(), [
        "run",
        "-A",
        "--quiet",
        CLI,
        "install",
        "--root",
        root,
      ], elsewhere);
      assert.equal(r.stderr, "");
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith(`Installed mcpx: ${root}/bin/mcpx\n`), r.stdout);
      const shim = await Deno.readTextFile(join(root, "bin", "mcpx"));
      assert.match(shim, /--allow-run --allow-sys --no-prompt --config /);
      assert.ok(!shim.includes("--allow-all") && !/\s-A\s/.test(shim), "no blanket permission");
    });
    const mcpx = join(root, "bin", "mcpx");
    await t.step("mcpx --help", async () => {
      const r = await run(mcpx, ["--help"], elsewhere);
      assert.equal(r.stderr, "");
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^mcpx [\d.]+: run MCP tools and sandboxed skills from code\n/);
      assert.match(r.stdout, /\n {2}install +install mcpx as a global command/);
    });
    await t.step("mcpx config --config <repo>/mcp_config.json", async () => {
      const r = await run(mcpx, ["config", "--config", `${ROOT}/mcp_config.json`], elsewhere);
      assert.equal(r.stderr, "");
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith(`config file: ${ROOT}/mcp_config.json\nroot: ${ROOT}\n`));
      assert.match(r.stdout, /\nservers \(3\):\n {2}everything {2}stdio/);
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
