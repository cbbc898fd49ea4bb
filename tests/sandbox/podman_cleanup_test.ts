/**
 * The strict tier never leaves a container behind: not on timeout, not on abort (SIGINT/SIGTERM
 * of the harness), not on a normal exit; and it refuses clearly when it cannot run at all.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../helpers/skip.ts";
import { ROOT } from "../helpers/paths.ts";
import { SandboxError } from "../../lib/errors.ts";
import { createPodmanTier } from "../../lib/sandbox/podman_tier.ts";
import {
  attack,
  mcpxContainers,
  NO_PODMAN,
  PODMAN_AVAILABLE,
  PROBE,
  runStrict,
} from "./strict/_strict.ts";

const ignore = skipUnless(PODMAN_AVAILABLE, NO_PODMAN);

Deno.test({
  name: "podman tier: a timeout kills and removes the container",
  ignore,
  async fn() {
    const r = await runStrict(PROBE, { args: ["sleep", "600"], timeoutMs: 3000 });
    assert.equal(r.outcome.code, 124);
    assert.equal(r.outcome.timedOut, true);
    assert.equal(r.outcome.killed, "timeout");
    assert.match(r.stderr, /timed out after 3 s; the container was killed and removed/);
    assert.ok(!(await mcpxContainers()).includes(`mcpx-${r.runId}`));
  },
});

Deno.test({
  name: "podman tier: aborting the run (SIGINT/SIGTERM) kills and removes the container",
  ignore,
  async fn(t) {
    await t.step("while the skill runs", async () => {
      const controller = new AbortController();
      const r = await runStrict(PROBE, {
        args: ["sleep", "600"],
        signal: controller.signal,
        onStdout: (text) => text.includes("sleeping") && controller.abort(),
      });
      assert.equal(r.outcome.killed, "signal");
      assert.equal(r.outcome.code, 130);
      assert.ok(!(await mcpxContainers()).includes(`mcpx-${r.runId}`));
    });

    await t.step("before the container starts", async () => {
      const controller = new AbortController();
      let runId = "";
      const run = runStrict(PROBE, {
        args: ["sleep", "600"],
        signal: controller.signal,
        onRunId: (id) => runId = id,
        prepare: () => void queueMicrotask(() => controller.abort()),
      });
      const r = await run;
      assert.equal(r.outcome.killed, "signal");
      assert.ok(!(await mcpxContainers()).includes(`mcpx-${runId}`));
    });
  },
});

Deno.test({
  name: "podman tier: even when mcpx is SIGKILLed, conmon kills and removes the container",
  ignore,
  async fn() {
    const project = await Deno.makeTempDir({ prefix: "mcpx_orphan_" });
    const runId = crypto.randomUUID().slice(0, 12);
    await Deno.mkdir(`${project}/workspace`);
    await Deno.mkdir(`${project}/bridge`, { mode: 0o700 });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        `${ROOT}/tests/sandbox/strict/orphan_main.ts`,
        `${project}/workspace`,
        `${project}/bridge`,
        runId,
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!seen.includes("started")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      assert.ok((await mcpxContainers()).includes(`mcpx-${runId}`), "the container never ran");
      child.kill("SIGKILL");
      await reader.cancel();
      await child.status;
      // The backstop is the run's timeout (2 s) + 5 s; wait for it, boundedly.
      for (let i = 0; i < 120 && (await mcpxContainers()).includes(`mcpx-${runId}`); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(!(await mcpxContainers()).includes(`mcpx-${runId}`), "the container was left");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await new Deno.Command("podman", {
        args: ["rm", "-f", "-t", "0", "--ignore", `mcpx-${runId}`],
      })
        .output();
      await Deno.remove(project, { recursive: true });
    }
  },
});

Deno.test({
  name: "podman tier: a normal exit removes the container and caps the output",
  ignore,
  async fn() {
    const r = await runStrict(PROBE, { args: ["spam"], outputLimitBytes: 1000 });
    assert.equal(r.outcome.code, 0);
    assert.equal(r.outcome.stdoutTruncated, true);
    assert.equal(new TextEncoder().encode(r.stdout).length, 1000);
    assert.match(r.stderr, /output cut at 1000 bytes/);
    assert.ok(!(await mcpxContainers()).includes(`mcpx-${r.runId}`));
  },
});

Deno.test({
  name: "podman tier: mounts under the rootfs's own folders work; a podman failure is an error",
  ignore,
  async fn(t) {
    await t.step("a read-only file under /usr/bin is mounted and readable", async () => {
      const r = await runStrict(attack("read_file"), {
        args: ["/usr/bin/env"],
        read: ["/usr/bin/env"],
        code: ["/usr/bin/env"],
      });
      assert.match(r.stdout, /^ALLOWED \x7fELF/, r.stderr);
    });
    await t.step("a mount podman cannot make fails the run with podman's reason", async () => {
      let runId = "";
      await assert.rejects(
        () =>
          runStrict(PROBE, {
            args: ["whoami"],
            code: ["/proc/version"],
            onRunId: (id) => runId = id,
          }),
        (error: unknown) => {
          assert.ok(error instanceof SandboxError);
          assert.equal(error.code, "SANDBOX_ERROR");
          assert.match(error.message, /podman could not run the container .*inside \/proc/);
          return true;
        },
      );
      assert.ok(!(await mcpxContainers()).includes(`mcpx-${runId}`));
    });
  },
});

Deno.test({
  name: "podman tier: an image that is not there is refused, saying why (no silent fallback)",
  ignore,
  async fn() {
    const tier = createPodmanTier({ image: "localhost/mcpx-not-built:none" });
    await assert.rejects(() => tier.ensureAvailable(), (error: unknown) => {
      assert.ok(error instanceof SandboxError);
      assert.equal(error.code, "SANDBOX_UNAVAILABLE");
      assert.match(
        error.message,
        /^sandbox\.image "localhost\/mcpx-not-built:none" is not in podman's local image store/,
      );
      assert.match(error.message, /remove "image" from mcp_config\.json/);
      return true;
    });
  },
});
