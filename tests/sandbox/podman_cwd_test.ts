/**
 * podman's conmon writes files (an empty `oom`) into its working directory: the strict tier runs
 * podman in a private temp directory, so the user's directory stays as it was.
 */
import assert from "node:assert/strict";
import { CLI } from "../helpers/paths.ts";
import { resolveDenoDir } from "../../lib/sandbox/env.ts";
import { defaultRootfsCacheDir } from "../../lib/sandbox/rootfs.ts";
import { skipUnless } from "../helpers/skip.ts";
import { NO_PODMAN, PODMAN_AVAILABLE } from "./strict/_strict.ts";

const ignore = skipUnless(PODMAN_AVAILABLE, NO_PODMAN);

Deno.test({
  name: "a strict-tier run leaves nothing in the current directory (no conmon 'oom' file)",
  ignore,
  fn: async () => {
    const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_podman_cwd_" }));
    try {
      await Deno.writeTextFile(`${cwd}/mcp_config.json`, JSON.stringify({ mcpServers: {} }));
      await Deno.writeTextFile(`${cwd}/hello.ts`, 'console.log("hello");\n');
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLI, "exec", "--tier", "podman", "hello.ts"],
        cwd,
        env: { NO_COLOR: "1" },
        stdin: "null",
      }).output();
      assert.equal(new TextDecoder().decode(out.stdout), "hello\n");
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      const left = [...Deno.readDirSync(cwd)].map((e) => e.name).sort();
      // workspace/ is the project's scratch space (gitignored); nothing else may appear.
      assert.deepEqual(left, ["hello.ts", "mcp_config.json", "workspace"]);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test({
  name: "mcpx doctor --refresh leaves nothing in the current directory",
  ignore,
  fn: async () => {
    const cwd = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_doctor_cwd_" }));
    const cache = await Deno.makeTempDir({ prefix: "mcpx_doctor_cache_" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLI, "doctor", "--refresh", "--json"],
        cwd,
        env: {
          XDG_CACHE_HOME: cache,
          XDG_CONFIG_HOME: cache,
          DENO_DIR: await resolveDenoDir(),
          MCPX_ROOTFS_CACHE: defaultRootfsCacheDir(),
          NO_COLOR: "1",
        },
        stdin: "null",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.ok(JSON.parse(new TextDecoder().decode(out.stdout)).checks.length > 0);
      assert.deepEqual([...Deno.readDirSync(cwd)].map((e) => e.name), []);
    } finally {
      await Deno.remove(cwd, { recursive: true });
      await Deno.remove(cache, { recursive: true });
    }
  },
});
