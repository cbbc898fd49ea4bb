import assert from "node:assert/strict";
import {
  cacheWritableBy,
  ExecCache,
  execCacheDir,
  hashFiles,
} from "../../lib/harness/_exec_cache.ts";

Deno.test("execCacheDir() picks MCPX_CACHE_DIR, then XDG_CACHE_HOME, then HOME", () => {
  assert.equal(execCacheDir({ MCPX_CACHE_DIR: "/c", HOME: "/h" }), "/c/exec-cache");
  assert.equal(execCacheDir({ XDG_CACHE_HOME: "/x", HOME: "/h" }), "/x/mcpx/exec-cache");
  assert.equal(execCacheDir({ HOME: "/h" }), "/h/.cache/mcpx/exec-cache");
  assert.equal(execCacheDir({}), undefined);
  assert.equal(execCacheDir({ MCPX_EXEC_CACHE: "0", HOME: "/h" }), undefined);
});

Deno.test("cacheWritableBy() sees grants on the folder, a parent, a child or /", () => {
  const dir = "/nonexistent/home/.cache/mcpx/exec-cache";
  assert.equal(cacheWritableBy(dir, ["/nonexistent/home"]), true);
  assert.equal(cacheWritableBy(dir, [dir]), true);
  assert.equal(cacheWritableBy(dir, [`${dir}/x.json`]), true);
  assert.equal(cacheWritableBy(dir, ["/"]), true);
  assert.equal(cacheWritableBy(dir, ["/nonexistent/home/.cache/mcpx/exec"]), false);
  assert.equal(cacheWritableBy(dir, ["/nonexistent/home/project/workspace"]), false);
});

Deno.test("ExecCache: an entry is used only while every recorded file is unchanged", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "mcpx_exec_cache_" });
  try {
    const skill = `${root}/skill.ts`;
    await Deno.writeTextFile(skill, "console.log(1);\n");
    const key = {
      skill,
      root,
      configPath: `${root}/deno.json`,
      lock: "none" as const,
      bootstrap: `${root}/boot.ts`,
    };
    const cache = new ExecCache(`${root}/cache`, key);
    const entry = {
      skillFiles: [skill],
      bootstrapFiles: [],
      denoDir: "/deno",
      hashes: (await hashFiles([skill]))!,
      npmDirs: [root],
      npmImports: ["npm:zod@4.6.7"],
      reports: { '["s",[]]': { kind: "script" as const } },
    };

    await t.step("nothing recorded: a miss", async () => {
      assert.deepEqual(await cache.load(), { hit: false, reason: "no entry" });
    });
    await t.step("recorded: a hit with the same facts", async () => {
      await cache.save(entry);
      assert.deepEqual(await cache.load(), { hit: true, entry });
      assert.equal((await Deno.stat(`${root}/cache`)).mode! & 0o777, 0o700);
    });
    await t.step("a damaged file is a miss, not an error", async () => {
      const [name] = [...Deno.readDirSync(`${root}/cache`)].map((item) => item.name);
      const path = `${root}/cache/${name}`;
      const good = await Deno.readTextFile(path);
      const stored = JSON.parse(good);
      await Deno.writeTextFile(path, JSON.stringify({ ...stored, entry: { npmDirs: 3 } }));
      assert.deepEqual(await cache.load(), { hit: false, reason: "no entry" });
      // A file the run relies on that is not content-checked makes the entry unusable.
      const unchecked = { ...stored.entry, skillFiles: [skill, "/etc/passwd"] };
      await Deno.writeTextFile(path, JSON.stringify({ ...stored, entry: unchecked }));
      assert.deepEqual(await cache.load(), { hit: false, reason: "no entry" });
      // Only npm modules may be loaded ahead: anything else makes the entry unusable.
      const local = { ...stored.entry, npmImports: ["file:///root/secret.ts"] };
      await Deno.writeTextFile(path, JSON.stringify({ ...stored, entry: local }));
      assert.deepEqual(await cache.load(), { hit: false, reason: "no entry" });
      await Deno.writeTextFile(path, "{ not json");
      assert.deepEqual(await cache.load(), { hit: false, reason: "no entry" });
      await Deno.writeTextFile(path, good);
      assert.equal((await cache.load()).hit, true);
    });
    await t.step("another key does not see it", async () => {
      const other = new ExecCache(`${root}/cache`, { ...key, lock: "frozen" });
      assert.equal((await other.load()).hit, false);
    });
    await t.step("same size, other content: a miss naming the file", async () => {
      await Deno.writeTextFile(skill, "console.log(2);\n");
      assert.deepEqual(await cache.load(), { hit: false, reason: `${skill} changed` });
    });
    await t.step("a missing npm folder: a miss", async () => {
      await cache.save({ ...entry, hashes: (await hashFiles([skill]))!, npmDirs: [`${root}/no`] });
      assert.deepEqual(await cache.load(), {
        hit: false,
        reason: `${root}/no is no longer cached`,
      });
    });
    await t.step("the folder is kept bounded, the oldest entries going first", async () => {
      const old = new Date(Date.now() - 3_600_000);
      for (let i = 0; i < 300; i++) {
        const path = `${root}/cache/stale${i}.json`;
        await Deno.writeTextFile(path, "{}");
        await Deno.utime(path, old, old);
      }
      await cache.save(entry);
      const left = [];
      for await (const item of Deno.readDir(`${root}/cache`)) left.push(item.name);
      assert.ok(left.length <= 256, `${left.length} entries left`);
      assert.ok(left.some((name) => !name.startsWith("stale")));
    });
    await t.step("clear() removes the folder", async () => {
      await cache.clear();
      await assert.rejects(Deno.stat(`${root}/cache`), Deno.errors.NotFound);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
