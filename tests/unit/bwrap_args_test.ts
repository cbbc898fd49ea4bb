import assert from "node:assert/strict";
import { wallArgs } from "../../lib/sandbox/bwrap.ts";
import { makeGrant } from "../../lib/sandbox/grant.ts";

/** The bind operations of an argument list, as `[flag, path]` pairs in order. */
function binds(args: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    if (/^--(ro-)?bind(-try)?$/.test(args[i]!)) out.push([args[i]!, args[i + 1]!]);
  }
  return out;
}

Deno.test("wallArgs() renders a grant into bubblewrap arguments", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_bwrap_args_" }));
  try {
    for (const dir of ["code", "ws", "ws/out", "data", "bridge", "deno"]) {
      await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    }
    const base = {
      denoBinary: Deno.execPath(),
      denoDir: `${root}/deno`,
      cwd: `${root}/ws`,
      bridgeDir: `${root}/bridge`,
      env: { SSL_CERT_FILE: `${root}/data/ca.pem`, SECRET: "s3cret" },
    };
    const grant = makeGrant({
      code: [`${root}/code`],
      read: [`${root}/data`, `${root}/ws`],
      write: [`${root}/ws`, `${root}/ws/out`],
    });

    await t.step("no network: every namespace unshared, nothing shared", () => {
      const args = wallArgs({ ...base, grant });
      for (
        const flag of [
          "--unshare-all",
          "--unshare-user",
          "--disable-userns",
          "--die-with-parent",
          "--new-session",
        ]
      ) {
        assert.ok(args.includes(flag), flag);
      }
      assert.ok(!args.includes("--share-net"));
      assert.ok(!args.some((a) => a.includes("resolv.conf")));
      assert.deepEqual(args.slice(args.indexOf("--cap-drop"), args.indexOf("--cap-drop") + 2), [
        "--cap-drop",
        "ALL",
      ]);
    });

    await t.step("paths: code and data read-only, write paths read-write, parents first", () => {
      const list = binds(wallArgs({ ...base, grant }));
      const mode = (path: string) => list.find(([, p]) => p === path)?.[0];
      assert.equal(mode(`${root}/code`), "--ro-bind-try");
      assert.equal(mode(`${root}/data`), "--ro-bind-try");
      assert.equal(mode(`${root}/deno`), "--ro-bind-try");
      assert.equal(mode(`${root}/ws`), "--bind-try"); // read and write: the wider mode wins
      assert.equal(mode(`${root}/bridge`), "--bind-try");
      assert.equal(mode(Deno.execPath()), "--ro-bind-try");
      const at = (path: string) => list.findIndex(([, p]) => p === path);
      assert.ok(at(`${root}/ws`) < at(`${root}/ws/out`));
    });

    await t.step("/proc and /dev come after every bind; the root is read-only at the end", () => {
      const args = wallArgs({ ...base, grant });
      const lastBind = args.findLastIndex((a) => /^--(ro-)?bind/.test(a));
      assert.ok(args.indexOf("--proc") > lastBind);
      assert.ok(args.indexOf("--dev") > lastBind);
      assert.ok(args.indexOf("--tmpfs") < args.findIndex((a) => /^--(ro-)?bind/.test(a)));
      assert.deepEqual(args.slice(-4), ["--remount-ro", "/", "--chdir", `${root}/ws`]);
    });

    await t.step("the environment never appears on the command line", () => {
      const args = wallArgs({ ...base, grant });
      assert.ok(!args.includes("--setenv"));
      assert.ok(!args.some((a) => a.includes("s3cret")));
    });

    await t.step("hosts: the network is shared with what DNS and TLS need", () => {
      const args = wallArgs({
        ...base,
        grant: makeGrant({ ...grant, net: [{ host: "example.com", explicit: false }] }),
      });
      assert.ok(args.includes("--share-net"));
      const paths = binds(args).map(([, p]) => p);
      assert.ok(paths.some((p) => p.endsWith("resolv.conf") || p.includes("/run/")));
      assert.ok(paths.includes("/etc/hosts"));
      assert.ok(paths.includes(`${root}/data/ca.pem`)); // SSL_CERT_FILE of the run's env
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
