import assert from "node:assert/strict";
import { join } from "node:path";
import { authStateDir, AuthStore } from "../../lib/auth/store.ts";
import { needsRefresh } from "../../lib/auth/refresh.ts";
import { parsePasted } from "../../lib/auth/login.ts";

Deno.test("authStateDir() follows XDG_STATE_HOME only when it is absolute", () => {
  assert.equal(authStateDir({ XDG_STATE_HOME: "/state", HOME: "/h" }), "/state/mcpx/auth");
  assert.equal(authStateDir({ XDG_STATE_HOME: "rel", HOME: "/h" }), "/h/.local/state/mcpx/auth");
  assert.throws(() => authStateDir({}), /neither XDG_STATE_HOME nor HOME is set/);
});

Deno.test("AuthStore writes 0600 files in a 0700 directory, keyed by URL without its fragment", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "auth");
    await Deno.mkdir(dir, { mode: 0o755 });
    await Deno.chmod(dir, 0o755);
    const store = new AuthStore(dir);
    await store.update("https://a.example/mcp", () => ({ serverUrl: "https://a.example/mcp" }));
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    const file = await store.pathOf("https://a.example/mcp");
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.equal(file, await store.pathOf("https://a.example/mcp#x"));
    assert.notEqual(file, await store.pathOf("https://a.example/other"));
    assert.deepEqual((await store.list()).map((r) => r.serverUrl), ["https://a.example/mcp"]);
    assert.equal(await store.remove("https://a.example/mcp"), true);
    assert.equal(await store.read("https://a.example/mcp"), undefined);
    assert.equal(await store.remove("https://a.example/mcp"), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("AuthStore.withLock() lets one holder in at a time", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new AuthStore(root);
    const events: string[] = [];
    const hold = (name: string) =>
      store.withLock("https://a.example/mcp", async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${name} out`);
      });
    await Promise.all([hold("a"), hold("b")]);
    assert.equal(events[0]!.slice(2), "in");
    assert.equal(events[1]!.slice(2), "out");
    assert.equal(events[0]![0], events[1]![0]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("needsRefresh() refreshes within 60 s, or a quarter of a short lifetime, of expiry", () => {
  const now = 1_000_000_000;
  const hour = { access_token: "a", token_type: "Bearer", obtainedAt: now - 3_000_000 };
  assert.equal(needsRefresh({ ...hour, expiresAt: now + 61_000 }, now), false);
  assert.equal(needsRefresh({ ...hour, expiresAt: now + 59_000 }, now), true);
  const short = { access_token: "a", token_type: "Bearer", obtainedAt: now - 3_000 };
  assert.equal(needsRefresh({ ...short, expiresAt: now + 2_000 }, now), false);
  assert.equal(needsRefresh({ ...short, expiresAt: now + 900 }, now), true);
  assert.equal(
    needsRefresh({ access_token: "a", token_type: "Bearer", obtainedAt: now }, now),
    false,
  );
});

Deno.test("parsePasted() takes the redirected URL, its query, or the bare code", () => {
  const url = parsePasted("  http://127.0.0.1:5/callback?code=c1&state=s1\n");
  assert.equal(url.get("code"), "c1");
  assert.equal(url.get("state"), "s1");
  assert.equal(parsePasted("?code=c2&state=s2").get("code"), "c2");
  const bare = parsePasted("c3");
  assert.equal(bare.get("code"), "c3");
  assert.equal(bare.get("state"), null);
});

Deno.test("AuthStore.withLock() waits for another process and gets the lock when that process is killed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new AuthStore(root);
    const url = "https://a.example/mcp";
    await store.update(url, () => ({ serverUrl: url }));
    const lockPath = (await store.pathOf(url)).replace(/\.json$/, ".lock");
    const holder = join(root, "holder.ts");
    await Deno.writeTextFile(
      holder,
      `const file = await Deno.open(${JSON.stringify(lockPath)}, { read: true, write: true });
await file.lock(true);
console.log("locked");
setInterval(() => {}, 1000);
`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", `--allow-read=${root}`, `--allow-write=${root}`, holder],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assert.equal((await reader.read()).value?.trim(), "locked");
    let entered = false;
    const waiting = store.withLock(url, () => {
      entered = true;
      return Promise.resolve();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(entered, false, "the lock was granted while another process held it");
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    await waiting; // the kernel released the dead holder's flock: no stale lock
    assert.equal(entered, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
