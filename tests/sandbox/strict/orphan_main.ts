/**
 * `orphan_main.ts <workspace> <bridgeDir> <runId>`: starts a 2-second-timeout podman run of a
 * sleeping probe and prints "started" once it runs. `podman_cleanup_test.ts` SIGKILLs this
 * process then, so that mcpx gets no chance to clean up: conmon must (`--rm`, `--timeout`).
 *
 * @module
 */
import { createPodmanTier } from "../../../lib/sandbox/podman_tier.ts";
import { fromFileUrl } from "../../helpers/_node_path.ts";

const [workspace, bridgeDir, runId] = Deno.args as [string, string, string];
await createPodmanTier().run({
  runId,
  entry: fromFileUrl(new URL("./probe.ts", import.meta.url)),
  entryArgs: ["sleep", "600"],
  denoFlags: ["--no-prompt"],
  cwd: workspace,
  env: { HOME: workspace },
  readOnlyPaths: [],
  readWritePaths: [workspace],
  bridgeDir,
  timeoutMs: 2000,
  memoryMb: 256,
  cpus: 1,
  pidsLimit: 64,
  outputLimitBytes: 65536,
  onStdout: () => console.log("started"),
});
