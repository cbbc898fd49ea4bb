/**
 * The strict tier's pure parts: the `podman run` command line, the mounts, the network refusal,
 * the environment file and the output cap. No container is started here.
 */
import assert from "node:assert/strict";
import { buildRunArgs, GVISOR_HOST_THREADS, runMounts } from "../../lib/sandbox/_podman_args.ts";
import { requestedNetwork, writeEnvFile } from "../../lib/sandbox/_podman_prepare.ts";
import { pipeCapped } from "../../lib/sandbox/_podman_output.ts";
import { SandboxError } from "../../lib/errors.ts";
import type { SandboxRunSpec } from "../../lib/sandbox/tier.ts";
import { makeGrant } from "../../lib/sandbox/grant.ts";

const SPEC: SandboxRunSpec = {
  runId: "abc123",
  entry: "/p/lib/harness/_bootstrap.ts",
  entryArgs: ["/p/bridge/bridge.sock", "skill.ts"],
  grant: makeGrant({
    code: ["/p/skills", "/p/lib", "/cache/deno/npm"],
    read: ["/p/workspace"],
    write: ["/p/workspace"],
    limits: { timeoutMs: 1000, memoryMb: 512, cpus: 1.5, pidsLimit: 64, outputLimitBytes: 100 },
  }),
  deno: { lock: "none", denoDir: "/cache/deno" },
  support: ["/p/deno.json"],
  cwd: "/p/workspace",
  env: { HOME: "/p/workspace" },
  bridgeDir: "/tmp/bridge-x",
  bridgeSocket: "/tmp/bridge-x/bridge.sock",
};

Deno.test("buildRunArgs() asks podman for every isolation the strict tier promises", async (t) => {
  const mounts = runMounts(SPEC);
  const args = buildRunArgs(SPEC, {
    runtime: "runc",
    runtimeArgs: [],
    gvisor: false,
    rootfs: "/cache/rootfs/k",
    userNamespaceArgs: ["--uidmap=0:100000:65536", "--gidmap=0:100000:65536"],
    containerUser: "1000:1000",
    ulimitArgs: ["--ulimit=nofile=4096:4096"],
    envFile: "/tmp/x/env",
  }, mounts);

  await t.step("isolation flags", () => {
    for (
      const flag of [
        "--rm",
        "--timeout=6",
        "--network=none",
        "--read-only",
        "--read-only-tmpfs=false",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges",
        "--pids-limit=64",
        "--memory=512m",
        "--memory-swap=512m",
        "--cpus=1.5",
        "--uidmap=0:100000:65536",
        "--ulimit=nofile=4096:4096",
        "--tmpfs=/tmp:rw,noexec,nosuid,nodev,size=64m",
        "--env-file=/tmp/x/env",
        "--http-proxy=false",
        "--no-hosts",
        "--workdir=/p/workspace",
      ]
    ) assert.ok(args.includes(flag), flag);
    assert.deepEqual(args.slice(args.indexOf("--name"), args.indexOf("--name") + 2), [
      "--name",
      "mcpx-abc123",
    ]);
    assert.equal(args[args.indexOf("--user") + 1], "1000:1000");
    assert.equal(args[args.indexOf("--runtime") + 1], "runc");
  });

  await t.step("the rootfs is mounted through an overlay and deno runs the entry", () => {
    const at = args.indexOf("--rootfs");
    assert.deepEqual(args.slice(at, at + 4), [
      "--rootfs",
      "/cache/rootfs/k:O",
      "/usr/bin/deno",
      "run",
    ]);
    assert.ok(args.includes("--allow-read=/p/workspace,/tmp/bridge-x/bridge.sock"));
    assert.deepEqual(args.slice(-3), [
      "/p/lib/harness/_bootstrap.ts",
      "/p/bridge/bridge.sock",
      "skill.ts",
    ]);
  });

  await t.step(
    "mounts are the grant's paths: workspace and bridge writable, code read-only",
    () => {
      const binds = args.filter((a) => a.startsWith("--mount="));
      // Not the entry's folder, not the deno cache as a whole, no file the graph touched.
      assert.deepEqual(binds.sort(), [
        "--mount=type=bind,src=/cache/deno/npm,dst=/cache/deno/npm,ro=true",
        "--mount=type=bind,src=/p/deno.json,dst=/p/deno.json,ro=true",
        "--mount=type=bind,src=/p/lib,dst=/p/lib,ro=true",
        "--mount=type=bind,src=/p/skills,dst=/p/skills,ro=true",
        "--mount=type=bind,src=/p/workspace,dst=/p/workspace,ro=false",
        "--mount=type=bind,src=/tmp/bridge-x,dst=/tmp/bridge-x,ro=false",
      ]);
    },
  );

  await t.step(
    "under gVisor: its runtime flags, and the pids limit as nproc plus host room",
    () => {
      const gvisor = buildRunArgs(SPEC, {
        runtime: "runsc",
        runtimeArgs: ["--runtime-flag=network=none", "--runtime-flag=host-uds=open"],
        gvisor: true,
        image: "localhost/mcpx-rootfs:k",
        userNamespaceArgs: [],
        containerUser: "1000:1000",
        ulimitArgs: ["--ulimit=nofile=4096:4096"],
        envFile: "/tmp/x/env",
      }, mounts);
      const at = gvisor.indexOf("--runtime");
      assert.deepEqual(gvisor.slice(at, at + 4), [
        "--runtime",
        "runsc",
        "--runtime-flag=network=none",
        "--runtime-flag=host-uds=open",
      ]);
      assert.ok(gvisor.includes("--ulimit=nproc=64:64"));
      assert.ok(gvisor.includes(`--pids-limit=${64 + GVISOR_HOST_THREADS}`));
      assert.ok(!gvisor.includes("--pids-limit=64"));
    },
  );

  await t.step("a configured image replaces the rootfs and is never pulled", () => {
    const withImage = buildRunArgs(SPEC, {
      runtime: "crun",
      runtimeArgs: [],
      gvisor: false,
      image: "localhost/mcpx-deno:2.9.6",
      userNamespaceArgs: ["--userns=keep-id"],
      containerUser: "1001:1001",
      ulimitArgs: [],
      envFile: "/tmp/x/env",
    }, []);
    assert.ok(!withImage.includes("--rootfs"));
    const at = withImage.indexOf("localhost/mcpx-deno:2.9.6");
    assert.deepEqual(withImage.slice(at - 1, at + 3), [
      "--pull=never",
      "localhost/mcpx-deno:2.9.6",
      "deno",
      "run",
    ]);
  });
});

Deno.test("requestedNetwork() lists the grant's hosts, never the bridge socket", () => {
  assert.deepEqual(requestedNetwork(SPEC), []);
  const net = [{ host: "example.com", explicit: false }, { host: "::1", port: 80, explicit: true }];
  assert.deepEqual(requestedNetwork({ ...SPEC, grant: { ...SPEC.grant, net } }), [
    "example.com",
    "[::1]:80",
  ]);
});

Deno.test("writeEnvFile() writes a private file and refuses what --env-file cannot hold", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("one KEY=VALUE per line, mode 0600", async () => {
      const file = await writeEnvFile(dir, { HOME: "/w", NO_COLOR: "1" });
      assert.equal(await Deno.readTextFile(file), "HOME=/w\nNO_COLOR=1\n");
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    });
    await t.step("a value with a newline is refused", async () => {
      await assert.rejects(() => writeEnvFile(dir, { A: "x\ny" }), SandboxError);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pipeCapped() forwards at most the limit and says when it cut", async () => {
  const chunks = ["hello ", "world, ", "and more"].map((s) => new TextEncoder().encode(s));
  const seen: string[] = [];
  const cut = await pipeCapped(ReadableStream.from(chunks), 10, (c) => {
    seen.push(new TextDecoder().decode(c));
  });
  assert.equal(cut, true);
  assert.equal(seen.join(""), "hello worl");
  const whole = await pipeCapped(ReadableStream.from(chunks.slice(0, 1)), 10, undefined);
  assert.equal(whole, false);
});
