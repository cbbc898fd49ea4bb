/**
 * The locally built root filesystem: what it holds, that it is reused, and that it is rebuilt
 * when the binary changes. Built from a small dynamically linked binary (`/bin/true`) so the test
 * copies kilobytes, not deno's 100 MB; the real deno rootfs is exercised by every podman test.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../helpers/skip.ts";
import { ensureRootfs, ROOTFS_DENO, SANDBOX_UID } from "../../lib/sandbox/rootfs.ts";

const HAS_TRUE = (() => {
  try {
    return Deno.statSync("/bin/true").isFile && Deno.statSync("/usr/bin/ldd").isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "ensureRootfs() builds a minimal root filesystem once, rebuilds it on change, prunes",
  ignore: skipUnless(HAS_TRUE, "needs /bin/true and ldd"),
  async fn(t) {
    const dir = await Deno.makeTempDir();
    const binary = `${dir}/fake-deno`;
    await Deno.copyFile("/bin/true", binary);
    try {
      const first = await ensureRootfs({ denoPath: binary, cacheDir: `${dir}/cache` });

      await t.step(
        "it holds the binary, its libraries, the loader, users and mount points",
        async () => {
          assert.equal(first.built, true);
          const size = (await Deno.stat(`${first.path}${ROOTFS_DENO}`)).size;
          assert.equal(size, (await Deno.stat("/bin/true")).size);
          const ldd = new TextDecoder().decode(
            (await new Deno.Command("ldd", { args: ["/bin/true"], stdout: "piped" }).output())
              .stdout,
          );
          for (const [, library] of ldd.matchAll(/(\/\S+)\s+\(0x/g)) {
            assert.ok((await Deno.stat(`${first.path}${library}`)).isFile, String(library));
          }
          assert.match(
            await Deno.readTextFile(`${first.path}/etc/passwd`),
            new RegExp(`^mcpx:x:${SANDBOX_UID}:${SANDBOX_UID}:`, "m"),
          );
          assert.equal((await Deno.stat(`${first.path}/tmp`)).mode! & 0o7777, 0o1777);
          for (
            const file of ["etc/hostname", "etc/hosts", "etc/resolv.conf", "run/.containerenv"]
          ) {
            assert.ok((await Deno.stat(`${first.path}/${file}`)).isFile, file);
          }
        },
      );

      await t.step("a second call reuses it", async () => {
        const again = await ensureRootfs({ denoPath: binary, cacheDir: `${dir}/cache` });
        assert.deepEqual(again, { ...first, built: false });
      });

      await t.step("a changed binary gets a new root filesystem", async () => {
        await Deno.writeFile(binary, new Uint8Array([0]), { append: true });
        const changed = await ensureRootfs({ denoPath: binary, cacheDir: `${dir}/cache` });
        assert.equal(changed.built, true);
        assert.notEqual(changed.key, first.key);
        // The one it replaces is removed.
        assert.equal(await Deno.stat(first.path).then(() => true, () => false), false);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
