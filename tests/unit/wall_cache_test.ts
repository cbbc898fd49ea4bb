/**
 * The wall probe's cache across processes: a positive answer is reused under the same key, any
 * change of the key probes again, a negative answer is never written, and a file that is corrupt
 * or open to others is ignored.
 */
import assert from "node:assert/strict";
import { measureSupport, type WallSupport, wallSupport } from "../../lib/sandbox/bwrap.ts";
import { wallCacheFile } from "../../lib/sandbox/_wall_cache.ts";
import { skipUnless } from "../helpers/skip.ts";
import { CLI, ROOT } from "../helpers/paths.ts";

const ON_LINUX = Deno.build.os === "linux";

/** A probe that counts its calls and answers `answer`. */
function countingProbe(answer: WallSupport) {
  const probe = (bwrap: string) => {
    probe.calls++;
    return Promise.resolve(answer.available ? { available: true as const, bwrap } : answer);
  };
  probe.calls = 0;
  return probe;
}

const YES: WallSupport = { available: true, bwrap: "" };
const NO: WallSupport = { available: false, reason: "no user namespaces", fix: "enable them" };

type Scratch = { root: string; bwrap: string; deno: string; cacheFile: string };

/** A Linux-only test in a temp folder holding a stand-in bwrap and deno (small files: the key
 * only stats them) and a cache file path, removed afterwards. */
function scratchTest(name: string, fn: (s: Scratch, t: Deno.TestContext) => Promise<void>) {
  Deno.test({
    name,
    ignore: !ON_LINUX,
    async fn(t) {
      const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_wall_cache_" }));
      const s = {
        root,
        bwrap: `${root}/bwrap`,
        deno: `${root}/deno`,
        cacheFile: `${root}/cache/wall/support.json`,
      };
      try {
        await Deno.writeTextFile(s.bwrap, "bwrap");
        await Deno.writeTextFile(s.deno, "deno");
        await fn(s, t);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

scratchTest(
  "measureSupport() records a positive answer (0600 in 0700) and reuses it under the same key",
  async (s) => {
    const probe = countingProbe(YES);
    const first = await measureSupport({ ...s, probe });
    assert.deepEqual(first, { available: true, bwrap: s.bwrap });
    assert.equal((await Deno.stat(s.cacheFile)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${s.root}/cache/wall`)).mode! & 0o777, 0o700);
    const second = await measureSupport({ ...s, probe });
    assert.deepEqual(second, { available: true, bwrap: s.bwrap });
    assert.equal(probe.calls, 1, "the second measurement came from the cache");
  },
);

scratchTest("measureSupport() probes again when bwrap or deno changed", async (s, t) => {
  const probe = countingProbe(YES);
  await measureSupport({ ...s, probe });
  await t.step("another bwrap path", async () => {
    const other = `${s.root}/bwrap2`;
    await Deno.copyFile(s.bwrap, other);
    await measureSupport({ ...s, bwrap: other, probe });
    assert.equal(probe.calls, 2);
  });
  await t.step("the same deno path with another mtime", async () => {
    await Deno.utime(s.deno, new Date(), new Date(Date.now() - 86_400_000));
    await measureSupport({ ...s, probe });
    assert.equal(probe.calls, 3);
    await measureSupport({ ...s, probe });
    assert.equal(probe.calls, 3, "the new key is recorded in turn");
  });
  await t.step("the same bwrap path replaced by another file (size, inode)", async () => {
    await Deno.remove(s.bwrap);
    await Deno.writeTextFile(s.bwrap, "a newer bwrap");
    await measureSupport({ ...s, probe });
    assert.equal(probe.calls, 4);
  });
});

scratchTest(
  "measureSupport() never records a negative answer, so a fixed host is seen at once",
  async (s) => {
    const no = countingProbe(NO);
    assert.deepEqual(await measureSupport({ ...s, probe: no }), NO);
    assert.deepEqual(await measureSupport({ ...s, probe: no }), NO);
    assert.equal(no.calls, 2);
    await assert.rejects(Deno.stat(s.cacheFile), Deno.errors.NotFound);
    const yes = countingProbe(YES);
    assert.equal((await measureSupport({ ...s, probe: yes })).available, true);
    assert.equal(yes.calls, 1);
  },
);

scratchTest(
  "measureSupport() ignores a cache file that is corrupt, open to others or not the user's",
  async (s, t) => {
    const probe = countingProbe(YES);
    await measureSupport({ ...s, probe });
    const good = await Deno.readTextFile(s.cacheFile);
    let calls = probe.calls;
    const probesAgain = async () => {
      assert.deepEqual(await measureSupport({ ...s, probe }), {
        available: true,
        bwrap: s.bwrap,
      });
      assert.equal(probe.calls, ++calls, "probed again");
    };
    await t.step("not JSON", async () => {
      await Deno.writeTextFile(s.cacheFile, "{ not json", { mode: 0o600 });
      await probesAgain();
      assert.equal(await Deno.readTextFile(s.cacheFile).then((t) => JSON.parse(t).format), 2);
    });
    await t.step("JSON of another shape", async () => {
      await Deno.writeTextFile(s.cacheFile, '{"format":2,"entries":"all"}');
      await probesAgain();
    });
    await t.step("readable by others", async () => {
      await Deno.writeTextFile(s.cacheFile, good);
      await Deno.chmod(s.cacheFile, 0o644);
      await probesAgain();
      assert.equal((await Deno.stat(s.cacheFile)).mode! & 0o777, 0o600, "rewritten private");
    });
    await t.step("in a folder open to others", async () => {
      await Deno.chmod(`${s.root}/cache/wall`, 0o777);
      await probesAgain();
      assert.equal((await Deno.stat(`${s.root}/cache/wall`)).mode! & 0o777, 0o700);
    });
    await t.step({
      name: "owned by another user",
      ignore: Deno.uid() !== 0,
      fn: async () => {
        await Deno.chown(s.cacheFile, 65534, 65534);
        await probesAgain();
      },
    });
    await t.step("a folder that cannot be made: the probe's answer still stands", async () => {
      const blocked = `${s.root}/blocked`;
      await Deno.writeTextFile(blocked, "a file where the folder should be");
      const cacheFile = `${blocked}/wall/support.json`;
      assert.equal((await measureSupport({ ...s, cacheFile, probe })).available, true);
      assert.equal(probe.calls, ++calls);
    });
  },
);

Deno.test("wallCacheFile() lives in mcpx's per-user cache folder", () => {
  assert.equal(wallCacheFile({ MCPX_CACHE_DIR: "/c", HOME: "/h" }), "/c/wall/support.json");
  assert.equal(wallCacheFile({ XDG_CACHE_HOME: "/x", HOME: "/h" }), "/x/mcpx/wall/support.json");
  assert.equal(wallCacheFile({ HOME: "/h" }), "/h/.cache/mcpx/wall/support.json");
  assert.equal(
    wallCacheFile({ XDG_CACHE_HOME: "relative", HOME: "/h" }),
    "/h/.cache/mcpx/wall/support.json",
  );
  assert.equal(wallCacheFile({}), undefined);
});

const walled = ON_LINUX && (await wallSupport()).available;

Deno.test({
  name: "a second process reuses the recorded answer without starting bwrap",
  ignore: skipUnless(walled, "the cross-process wall cache test needs bubblewrap"),
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "mcpx_wall_cache_proc_" });
    const empty = await Deno.makeTempDir({ prefix: "mcpx_wall_cache_empty_" });
    const script = `data:application/javascript,${
      encodeURIComponent(
        `const { wallSupport } = await import(${
          JSON.stringify(new URL("../../lib/sandbox/bwrap.ts", import.meta.url).href)
        });\nconsole.log(JSON.stringify(await wallSupport()));`,
      )
    }`;
    // Without run permission a probe cannot start bwrap, so "available" can only come from the
    // cache file.
    const run = async (dir: string, allowRun: boolean) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-prompt",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-sys",
          ...(allowRun ? ["--allow-run"] : []),
          script,
        ],
        env: { MCPX_CACHE_DIR: dir },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      return JSON.parse(new TextDecoder().decode(out.stdout)) as WallSupport;
    };
    try {
      assert.equal((await run(cache, true)).available, true);
      const file = `${cache}/wall/support.json`;
      assert.equal(JSON.parse(await Deno.readTextFile(file)).entries.length, 1);
      assert.equal((await run(cache, false)).available, true, "reused from the cache file");
      const control = await run(empty, false);
      assert.equal(control.available, false, "without the file the probe could not start");
      await assert.rejects(Deno.stat(`${empty}/wall/support.json`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(cache, { recursive: true });
      await Deno.remove(empty, { recursive: true });
    }
  },
});

Deno.test({
  name: "a forged entry where the wall cannot be built fails the run at bwrap's start, never " +
    "runs it unwalled",
  ignore: skipUnless(walled && Deno.uid() === 0, "the forged-entry test needs bubblewrap and root"),
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "mcpx_wall_cache_forged_" });
    // An outer bwrap forbids user namespaces, so the inner wall cannot be built; inside it the
    // entry is forged with the key as seen from there, then a run starts.
    const forge =
      `const m = await import(${
        JSON.stringify(new URL("../../lib/sandbox/_wall_cache.ts", import.meta.url).href)
      });\nawait m.rememberWall(m.wallCacheFile(Deno.env.toObject()), ` +
      `m.wallCacheKey("/usr/bin/bwrap", Deno.execPath()));`;
    try {
      const out = await new Deno.Command("bwrap", {
        args: [
          ...["--unshare-user", "--disable-userns", "--dev-bind", "/", "/", "--"],
          ...[
            "sh",
            "-c",
            `"$0" eval "$1" >&2 && exec "$0" run -A "$2" exec bench/fixtures/noop.ts`,
          ],
          ...[Deno.execPath(), forge, CLI],
        ],
        cwd: ROOT,
        env: { MCPX_CACHE_DIR: cache },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr).trim();
      assert.equal(out.code, 1);
      assert.equal(new TextDecoder().decode(out.stdout), "", "the skill never ran");
      assert.match(stderr, /^bwrap: [^\n]+$/, "one line from bwrap");
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});

Deno.test({
  name: "the deno binary's libraries come from the entry, but only files in library folders",
  ignore: skipUnless(walled, "needs bubblewrap"),
  async fn() {
    const cache = await Deno.makeTempDir({ prefix: "mcpx_wall_cache_libs_" });
    // A fresh process: its per-process library list starts empty.
    const mounts = async (libraries: string[]) => {
      const script = `
const c = await import(${
        JSON.stringify(new URL("../../lib/sandbox/_wall_cache.ts", import.meta.url).href)
      });
const b = await import(${
        JSON.stringify(new URL("../../lib/sandbox/bwrap.ts", import.meta.url).href)
      });
const file = c.wallCacheFile(Deno.env.toObject());
await c.rememberWall(file, c.wallCacheKey(b.findBwrap(), Deno.execPath()), ${
        JSON.stringify(libraries)
      });
if (!(await b.measureSupport()).available) throw new Error("not available");
const grant = { code: [], read: [], write: [], net: [], env: [], servers: [],
  limits: { timeoutMs: 1000, memoryMb: 64, cpus: 1, pidsLimit: 8, workers: 0, outputLimitBytes: 1 } };
console.log(JSON.stringify(b.wallArgs({ grant, denoBinary: Deno.execPath(), denoDir: "/tmp", cwd: "/tmp", env: {} })));`;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", script],
        env: { MCPX_CACHE_DIR: cache },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      return JSON.parse(new TextDecoder().decode(out.stdout)) as string[];
    };
    try {
      // A list of library files is used as it is: ldd is not asked.
      const trusted = await mounts(["/usr/lib/os-release"]);
      assert.ok(trusted.includes("/usr/lib/os-release"), trusted.join(" "));
      assert.ok(!trusted.some((arg) => /\/libc\.so/.test(arg)), "ldd was asked anyway");
      // A list naming anything else is dropped whole: ldd's answer is used instead.
      const forged = await mounts(["/usr/lib/os-release", "/etc/passwd"]);
      assert.ok(!forged.includes("/etc/passwd") && !forged.includes("/usr/lib/os-release"));
      assert.ok(forged.some((arg) => /\/libc\.so/.test(arg)), forged.join(" "));
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});
