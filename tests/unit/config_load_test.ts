import assert from "node:assert/strict";
import { join } from "node:path";
import type { ConfigError } from "../../lib/errors.ts";
import { configCandidates, loadConfig } from "../../lib/config/load.ts";
import { DEFAULT_SANDBOX } from "../../lib/config/defaults.ts";

const ONE_SERVER = (name: string) => JSON.stringify({ mcpServers: { [name]: { command: "x" } } });

/** A temp tree with a project dir (cwd), an XDG dir and a HOME, removed afterwards. */
async function withTree(fn: (dirs: { cwd: string; xdg: string; home: string }) => Promise<void>) {
  const base = await Deno.makeTempDir({ prefix: "mcpx_config_" });
  const dirs = { cwd: join(base, "project"), xdg: join(base, "xdg"), home: join(base, "home") };
  try {
    for (const dir of [dirs.cwd, join(dirs.xdg, "mcpx"), join(dirs.home, ".config", "mcpx")]) {
      await Deno.mkdir(dir, { recursive: true });
    }
    await fn(dirs);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

Deno.test("loadConfig() follows the search order", async (t) => {
  await withTree(async ({ cwd, xdg, home }) => {
    const env = { HOME: home, XDG_CONFIG_HOME: xdg };
    const names = async (options: { path?: string; env?: Record<string, string> } = {}) => {
      const config = await loadConfig({ cwd, env, ...options });
      return { path: config.path, servers: Object.keys(config.servers) };
    };

    await t.step("nothing found: empty config, default sandbox, root = cwd", async () => {
      const config = await loadConfig({ cwd, env });
      assert.deepEqual(config, {
        path: undefined,
        root: cwd,
        servers: {},
        sandbox: DEFAULT_SANDBOX,
        warnings: [],
      });
    });

    await Deno.writeTextFile(join(home, ".config/mcpx/mcp_config.json"), ONE_SERVER("home"));
    await t.step("~/.config/mcpx when XDG_CONFIG_HOME is unset", async () => {
      assert.deepEqual(await names({ env: { HOME: home } }), {
        path: join(home, ".config/mcpx/mcp_config.json"),
        servers: ["home"],
      });
    });

    await Deno.writeTextFile(join(xdg, "mcpx/mcp_config.json"), ONE_SERVER("xdg"));
    await t.step("$XDG_CONFIG_HOME/mcpx replaces ~/.config/mcpx", async () => {
      assert.deepEqual((await names()).servers, ["xdg"]);
    });

    await Deno.writeTextFile(join(cwd, "mcp_config.json"), ONE_SERVER("cwd"));
    await t.step("<cwd>/mcp_config.json comes before the user config dir", async () => {
      assert.deepEqual(await names(), { path: join(cwd, "mcp_config.json"), servers: ["cwd"] });
    });

    await Deno.writeTextFile(join(cwd, "other.json"), ONE_SERVER("env"));
    await t.step("$MCPX_CONFIG (relative to cwd) comes before cwd", async () => {
      assert.deepEqual((await names({ env: { ...env, MCPX_CONFIG: "other.json" } })).servers, [
        "env",
      ]);
    });

    await Deno.writeTextFile(join(cwd, "explicit.json"), ONE_SERVER("explicit"));
    await t.step("an explicit path comes before $MCPX_CONFIG", async () => {
      const env2 = { ...env, MCPX_CONFIG: "other.json" };
      assert.deepEqual((await names({ path: "explicit.json", env: env2 })).servers, ["explicit"]);
    });
  });
});

Deno.test("loadConfig() fails for an explicit path or $MCPX_CONFIG that does not exist", async (t) => {
  await withTree(async ({ cwd, home }) => {
    await Deno.writeTextFile(join(cwd, "mcp_config.json"), ONE_SERVER("cwd"));
    await t.step("--config", async () => {
      await loadConfig({ cwd, env: {}, path: "missing.json" }).then(
        () => assert.fail("expected CONFIG_NOT_FOUND"),
        (error: ConfigError) => {
          assert.equal(error.code, "CONFIG_NOT_FOUND");
          assert.equal(
            error.message,
            "missing.json: config file not found (check the path given to --config)",
          );
        },
      );
    });
    await t.step("$MCPX_CONFIG, shown absolute when outside cwd", async () => {
      const missing = join(home, "nope", "mcp_config.json");
      await loadConfig({ cwd, env: { MCPX_CONFIG: missing } }).then(
        () => assert.fail("expected CONFIG_NOT_FOUND"),
        (error: ConfigError) => {
          assert.equal(error.code, "CONFIG_NOT_FOUND");
          assert.equal(
            error.message,
            `${missing}: config file not found (fix or unset $MCPX_CONFIG)`,
          );
        },
      );
    });
    await t.step("a directory given as the config", async () => {
      await loadConfig({ cwd, env: {}, path: "." }).then(
        () => assert.fail("expected CONFIG_INVALID"),
        (error: ConfigError) => {
          assert.equal(error.code, "CONFIG_INVALID");
          assert.match(error.message, /: is a directory, not a file \(point to the mcp_config/);
        },
      );
    });
  });
});

Deno.test("loadConfig() reports an invalid file with its path relative to cwd", async () => {
  await withTree(async ({ cwd }) => {
    await Deno.mkdir(join(cwd, "conf"));
    await Deno.writeTextFile(join(cwd, "conf/mcp.json"), '{"mcpServers": {"a": {}}}');
    await loadConfig({ cwd, env: {}, path: "conf/mcp.json" }).then(
      () => assert.fail("expected CONFIG_INVALID"),
      (error: ConfigError) =>
        assert.equal(
          error.message,
          'conf/mcp.json: mcpServers.a.command: required for a stdio server (add "command": ' +
            '"<program>" or a "url")',
        ),
    );
  });
});

Deno.test("configCandidates() ignores a relative XDG_CONFIG_HOME and an empty MCPX_CONFIG", () => {
  const list = configCandidates({
    cwd: "/p",
    env: { HOME: "/h", XDG_CONFIG_HOME: "rel", MCPX_CONFIG: "" },
  });
  assert.deepEqual(list.map((c) => [c.source, c.path]), [
    ["cwd", "/p/mcp_config.json"],
    ["user", "/h/.config/mcpx/mcp_config.json"],
  ]);
});
