/**
 * Run by `podman_rootless_test.ts` as the unprivileged user (`runuser -u mcpxci -- deno run -A
 * rootless_main.ts`): runs the probe in the podman tier as that user and prints one JSON line
 * with what happened, including the containers podman still knows afterwards and whether the
 * tier's `ensureAvailable()` (every guarantee measured) accepts this host.
 *
 * @module
 */
import { createPodmanTier, defaultDenoDir } from "../../../lib/sandbox/podman_tier.ts";
import { dirname } from "node:path";
import { makeGrant } from "../../../lib/sandbox/grant.ts";
import type { SandboxRunSpec } from "../../../lib/sandbox/tier.ts";
import { fromFileUrl } from "../../helpers/_node_path.ts";

const probe = fromFileUrl(new URL("./probe.ts", import.meta.url));
const project = await Deno.makeTempDir({ prefix: "mcpx_rootless_" });
const workspace = `${project}/workspace`;
const bridgeDir = `${project}/bridge`;
await Deno.mkdir(workspace);
await Deno.mkdir(bridgeDir, { mode: 0o700 });
const tier = createPodmanTier();

async function run(args: string[], escaped: boolean) {
  let stdout = "";
  let stderr = "";
  const spec: SandboxRunSpec = {
    runId: crypto.randomUUID().slice(0, 12),
    entry: probe,
    entryArgs: args,
    grant: makeGrant({
      code: [dirname(probe)],
      write: [workspace],
      limits: { timeoutMs: 60_000, outputLimitBytes: 65536 },
    }),
    deno: { lock: "none", denoDir: defaultDenoDir() },
    support: [],
    ...(escaped ? { escapedDeno: true } : {}),
    cwd: workspace,
    env: { HOME: workspace, NO_COLOR: "1" },
    bridgeDir,
    bridgeSocket: `${bridgeDir}/bridge.sock`,
    onStdout: (chunk) => stdout += new TextDecoder().decode(chunk),
    onStderr: (chunk) => stderr += new TextDecoder().decode(chunk),
  };
  const outcome = await tier.run(spec);
  const line = stdout.trim().split("\n").findLast((l) => l.startsWith("{")) ?? "{}";
  return { outcome, report: JSON.parse(line), stderr };
}

try {
  const escaped = true;
  const whoami = await run(["whoami"], escaped);
  const writeRoot = await run(["write", "/mcpx-pwned"], escaped);
  const writeWorkspace = await run(["write", `${workspace}/out.txt`], false);
  const net = await run(["net", "1.1.1.1"], escaped);
  const onHost = await Deno.readTextFile(`${workspace}/out.txt`).catch(() => "");
  const ps = await new Deno.Command("podman", {
    args: ["ps", "--all", "--format", "{{.Names}}"],
    stdout: "piped",
  }).output();
  const ensure = await tier.ensureAvailable().then(
    () => ({ ok: true, message: "" }),
    (error: Error) => ({ ok: false, message: error.message }),
  );
  console.log(JSON.stringify({
    ensure,
    hostUid: Deno.uid(),
    whoami,
    writeRoot,
    writeWorkspace,
    net,
    onHost,
    containers: new TextDecoder().decode(ps.stdout).split("\n").filter(Boolean),
  }));
} finally {
  await Deno.remove(project, { recursive: true });
}
