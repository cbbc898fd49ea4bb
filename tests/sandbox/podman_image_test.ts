/**
 * `sandbox.image`: the tier runs a named image instead of the rootfs directory. The image is
 * made here from the locally built rootfs (`podman import`, as `container/README.md` shows), so
 * no registry is involved, and removed afterwards.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { skipUnless } from "../helpers/skip.ts";
import {
  ensureRootfsImage,
  importRootfsImage,
  rootfsImageName,
} from "../../lib/sandbox/_podman_image.ts";
import { createPodmanTier, defaultDenoDir } from "../../lib/sandbox/podman_tier.ts";
import { makeGrant } from "../../lib/sandbox/grant.ts";
import { ensureRootfs } from "../../lib/sandbox/rootfs.ts";
import { mcpxContainers, NO_PODMAN, PODMAN_AVAILABLE, PROBE } from "./strict/_strict.ts";

Deno.test({
  name: "podman tier: a configured image is used instead of the rootfs, with the same isolation",
  ignore: skipUnless(PODMAN_AVAILABLE, NO_PODMAN),
  async fn() {
    const image = `localhost/mcpx-test-${crypto.randomUUID().slice(0, 8)}:latest`;
    const workspace = await Deno.makeTempDir({ prefix: "mcpx_image_" });
    const bridgeDir = await Deno.makeTempDir({ prefix: "mcpx_image_bridge_" });
    try {
      await importRootfsImage((await ensureRootfs()).path, image);
      const tier = createPodmanTier({ image, checkGuarantees: false });
      await tier.ensureAvailable();
      const runIds: string[] = [];
      const run = async (args: string[]) => {
        let stdout = "";
        runIds.push(crypto.randomUUID().slice(0, 12));
        const outcome = await tier.run({
          runId: runIds.at(-1)!,
          entry: PROBE,
          entryArgs: args,
          grant: makeGrant({
            code: [dirname(PROBE)],
            write: [workspace],
            limits: { outputLimitBytes: 65536 },
          }),
          deno: { lock: "none", denoDir: defaultDenoDir() },
          support: [],
          escapedDeno: true,
          cwd: workspace,
          env: { HOME: workspace },
          bridgeDir,
          bridgeSocket: `${bridgeDir}/bridge.sock`,
          onStdout: (chunk) => stdout += new TextDecoder().decode(chunk),
        });
        assert.equal(outcome.code, 0);
        return JSON.parse(stdout.trim().split("\n").at(-1)!);
      };
      const whoami = await run(["whoami"]);
      assert.notEqual(whoami.uid, 0);
      assert.match((await run(["write", "/x"])).result, /^denied: .*Read-only/);
      assert.equal((await run(["write", `${workspace}/ok`])).result, "allowed");
      const left = await mcpxContainers();
      assert.ok(runIds.every((id) => !left.includes(`mcpx-${id}`)), left.join(" "));
    } finally {
      await new Deno.Command("podman", {
        args: ["rmi", "--force", image],
        stdout: "null",
        stderr: "null",
      })
        .output();
      await Deno.remove(workspace, { recursive: true });
      await Deno.remove(bridgeDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "the rootfs image gVisor runs is imported once; images of replaced root filesystems go",
  ignore: skipUnless(PODMAN_AVAILABLE, NO_PODMAN),
  async fn() {
    const rootfs = await ensureRootfs();
    const current = rootfsImageName(rootfs);
    // An image named after a root filesystem no longer in the cache (a deno since replaced).
    const stale = "localhost/mcpx-rootfs:0000stale0000";
    const images = async () => {
      const out = await new Deno.Command("podman", {
        args: ["images", "--format", "{{.Repository}}:{{.Tag}}"],
        stdout: "piped",
      }).output();
      return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
    };
    const podman = (...args: string[]) =>
      new Deno.Command("podman", { args, stdout: "null", stderr: "null" }).output();
    await ensureRootfsImage(rootfs);
    await podman("tag", current, stale);
    await podman("rmi", current);
    assert.ok((await images()).includes(stale));
    // A fresh process would import again; this one remembers its import, so import directly.
    assert.equal(await ensureRootfsImage(rootfs, { refresh: true }), current);
    const after = await images();
    assert.ok(after.includes(current), after.join(" "));
    assert.ok(!after.includes(stale), after.join(" "));
  },
});
