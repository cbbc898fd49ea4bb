/**
 * `orphan_main.ts <workspace> <bridgeDir> <runId>`: starts a 2-second-timeout podman run of a
 * sleeping probe and prints "started" once it runs. `podman_cleanup_test.ts` SIGKILLs this
 * process then, so that mcpx gets no chance to clean up: conmon must (`--rm`, `--timeout`).
 *
 * @module
 */
import { createPodmanTier, defaultDenoDir } from "../../../lib/sandbox/podman_tier.ts";
import { dirname } from "node:path";
import { makeGrant } from "../../../lib/sandbox/grant.ts";
import { fromFileUrl } from "../../helpers/_node_path.ts";

const [workspace, bridgeDir, runId] = Deno.args as [string, string, string];
const probe = fromFileUrl(new URL("./probe.ts", import.meta.url));
await createPodmanTier().run({
  runId,
  entry: probe,
  entryArgs: ["sleep", "600"],
  grant: makeGrant({
    code: [dirname(probe)],
    write: [workspace],
    limits: { timeoutMs: 2000, outputLimitBytes: 65536 },
  }),
  deno: { lock: "none", denoDir: defaultDenoDir() },
  support: [],
  cwd: workspace,
  env: { HOME: workspace },
  bridgeDir,
  bridgeSocket: `${bridgeDir}/bridge.sock`,
  onStdout: () => console.log("started"),
});
