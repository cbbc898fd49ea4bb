/**
 * gVisor for the strict tier (`sandbox.runtime: "runsc"`): where runsc is missing or cannot
 * start a container, the run is refused with one line naming why and nothing falls back to
 * runc; where it works, skills run fully on gVisor's kernel with the tier's guarantees (read-only
 * root, no network, the bridge socket, the memory limit of the whole run, threads bounded).
 */
import assert from "node:assert/strict";
import { SandboxError } from "../../lib/errors.ts";
import { onPath } from "../../lib/sandbox/_podman_host.ts";
import { createPodmanTier } from "../../lib/sandbox/podman_tier.ts";
import { makeGrant } from "../../lib/sandbox/grant.ts";
import { defaultRootfsCacheDir } from "../../lib/sandbox/rootfs.ts";
import { resolveDenoDir } from "../../lib/sandbox/env.ts";
import { CLI } from "../helpers/paths.ts";
import { skipUnless } from "../helpers/skip.ts";
import { verdicts } from "./_fast.ts";
import {
  attack,
  bridgeRoundTrip,
  mcpxContainers,
  NO_PODMAN,
  PODMAN_AVAILABLE,
  PROBE,
  probeReport,
  runStrict,
  strictStillWorks,
  wallProbe,
} from "./strict/_strict.ts";

const ignore = skipUnless(PODMAN_AVAILABLE, NO_PODMAN);
const RUNSC = PODMAN_AVAILABLE && await onPath("runsc");
const ignoreRunsc = skipUnless(RUNSC, "runsc is not installed (apt-get install -y runsc)");

/** A minimal run spec for refusal tests: they never get as far as starting a container. */
async function refusedRun(runtime: string): Promise<SandboxError> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_runsc_refusal_" });
  try {
    const tier = createPodmanTier({ image: "localhost/mcpx-runsc-refusal:none", runtime });
    const error = await tier.run({
      runId: crypto.randomUUID().slice(0, 12),
      entry: attack("exit_code"),
      entryArgs: [],
      grant: makeGrant({ read: [dir], write: [dir] }),
      deno: { lock: "none", denoDir: dir },
      support: [],
      cwd: dir,
      env: {},
      bridgeDir: dir,
      bridgeSocket: `${dir}/bridge.sock`,
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof SandboxError, String(error));
    return error;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "sandbox.runtime runsc without runsc installed refuses the run in one line",
  ignore,
  async fn() {
    const path = Deno.env.get("PATH") ?? "";
    const empty = await Deno.makeTempDir({ prefix: "mcpx_no_runsc_" });
    Deno.env.set("PATH", empty);
    try {
      const error = await refusedRun("runsc");
      assert.equal(error.code, "SANDBOX_UNAVAILABLE");
      assert.doesNotMatch(error.message, /\n/);
      assert.match(
        error.message,
        /^sandbox\.runtime asks for the OCI runtime "runsc", which is not installed here: apt-get install -y runsc.*Nothing falls back to another runtime\.$/,
      );
    } finally {
      Deno.env.set("PATH", path);
      await Deno.remove(empty);
    }
  },
});

Deno.test({
  name: "an OCI runtime that cannot start a container refuses the run, never falls back to runc",
  ignore,
  async fn() {
    const before = await mcpxContainers();
    const error = await refusedRun("/nonexistent/runsc");
    assert.equal(error.code, "SANDBOX_UNAVAILABLE");
    assert.doesNotMatch(error.message, /\n/);
    assert.match(
      error.message,
      /^The podman tier was asked to use the OCI runtime "\/nonexistent\/runsc".*which cannot start a container here: .*Nothing falls back to another runtime/,
    );
    assert.deepEqual(await mcpxContainers(), before);
  },
});

Deno.test({
  name: "strict tier on gVisor (runsc): skills run fully, with the tier's guarantees",
  ignore: ignore || ignoreRunsc,
  async fn(t) {
    const runtime = "runsc";
    await t.step(
      "the skill runs on gVisor's kernel; exit status and streams unchanged",
      async () => {
        const r = await runStrict(attack("read_file"), {
          runtime,
          escaped: true,
          args: ["/proc/version"],
        });
        assert.match(verdicts(r.stdout)[0]!, /^ALLOWED Linux version 4\.4\.0 /);
        await strictStillWorks(runtime);
      },
    );

    await t.step(
      "Deno's permissions still apply inside: the fast tier's attacks are refused",
      async () => {
        for (
          const [name, args] of [
            ["read_etc_passwd", []],
            ["write_file", ["/etc/mcpx-pwned"]],
            ["spawn_process", []],
            ["read_env", []],
          ] as const
        ) {
          const r = await runStrict(attack(name), { runtime, args: [...args] });
          const lines = verdicts(r.stdout);
          assert.ok(lines.length > 0, `${name}: ${r.stderr}`);
          for (const line of lines) assert.match(line, /^REFUSED /, name);
        }
        await strictStillWorks(runtime);
      },
    );

    await t.step("the root filesystem is read-only and there is no network", async () => {
      const write = await runStrict(PROBE, { runtime, escaped: true, args: ["write", "/pwned"] });
      assert.match(String(probeReport(write.stdout).result), /^denied: /);
      const net = await runStrict(PROBE, { runtime, escaped: true, args: ["net", "1.1.1.1"] });
      const report = probeReport(net.stdout);
      assert.deepEqual([...new Set(report.interfaces as string[])], ["lo"]);
      assert.match(String(report.connect), /^denied: /);
      await strictStillWorks(runtime);
    });

    await t.step(
      "the fast tier's second-wall probe, escaped, is refused on gVisor too",
      async () => {
        const seen = await wallProbe(runtime);
        for (
          const [label, verdict] of [
            ["secret", /^REFUSED NotFound/],
            ["host_dir", /^REFUSED NotFound/],
            ["harness_environ", /^REFUSED NotFound/],
            ["kill_harness", /^REFUSED NotFound: ESRCH/],
            ["tcp_host", /^REFUSED ConnectionRefused/],
            // gVisor checks the owner before the read-only mount: uid 1000 owns neither.
            ["write_code", /^REFUSED (PermissionDenied|.*Read-only file system)/],
            ["write_root", /^REFUSED (PermissionDenied|.*Read-only file system)/],
            ["cgroup_procs", /^REFUSED NotFound/], // no cgroup files inside gVisor at all
            ["shell", /^REFUSED NotFound/],
            ["mount_proc", /^REFUSED Error: errno 1$/],
          ] as const
        ) assert.match(seen.get(label) ?? "(no line)", verdict, label);
        await strictStillWorks(runtime);
      },
    );

    await t.step("the bridge's Unix socket on the host is reachable", async () => {
      const { reply, stderr } = await bridgeRoundTrip(runtime);
      assert.equal(reply, "pong", stderr);
    });

    await t.step(
      "ArrayBuffers, WebAssembly memory, Workers past the memory limit: killed: memory",
      async () => {
        for (const name of ["mem_buffers", "mem_wasm", "mem_workers"]) {
          const r = await runStrict(attack(name), { runtime, memoryMb: 256 });
          assert.equal(r.outcome.killed, "memory", `${name}: ${r.stderr}`);
          assert.doesNotMatch(r.stdout, /held/);
        }
        await strictStillWorks(runtime);
      },
    );

    await t.step("a thread bomb stops at the pids limit (gVisor's RLIMIT_NPROC)", async () => {
      const r = await runStrict(PROBE, { runtime, args: ["threads", "100"], pidsLimit: 32 });
      const report = probeReport(r.stdout);
      assert.ok(Number(report.started) < 32, JSON.stringify(report));
      await strictStillWorks(runtime);
    });

    await t.step(
      "a mount under a directory the gofer cannot enter is refused in one line",
      async () => {
        const error = await runStrict(attack("exit_code"), { runtime, privateProject: true })
          .then(() => undefined, (e) => e);
        assert.ok(error instanceof SandboxError, String(error));
        assert.doesNotMatch(error.message, /\n/);
        assert.match(
          error.message,
          /^gVisor \(sandbox\.runtime "runsc"\) cannot mount ".*": its gofer runs as host uid \d+ and cannot enter "\/tmp\/mcpx_strict_\w+" \(mode 0700, owner 0\)\. Make it searchable/,
        );
        await strictStillWorks(runtime);
      },
    );

    await t.step("files written in the workspace land on the host", async () => {
      let text = "";
      await runStrict(attack("write_file"), {
        runtime,
        args: ({ workspace }) => [`${workspace}/out.txt`],
        after: async ({ workspace }) => {
          text = await Deno.readTextFile(`${workspace}/out.txt`);
        },
      });
      assert.equal(text, "pwned\n");
    });
  },
});

/** Hard-links the npm, remote and gen parts of `from` into `to`; where linking fails (another
 * file system) the part stays empty and the harness fills it from the registry. */
async function seedDenoDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for (const part of ["npm", "remote", "gen"]) {
    if (!(await Deno.stat(`${from}/${part}`).then(() => true, () => false))) continue;
    await new Deno.Command("cp", { args: ["-al", `${from}/${part}`, `${to}/${part}`] }).output();
  }
}

Deno.test({
  name: 'mcpx exec with "runtime": "runsc" runs the skill on gVisor through doctor\'s checks',
  ignore: ignore || ignoreRunsc,
  async fn() {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_runsc_exec_" }));
    await Deno.chmod(root, 0o755);
    // A fresh doctor cache (the podman tier consults doctor before a run), the usual rootfs.
    const env = {
      NO_COLOR: "1",
      XDG_CACHE_HOME: `${root}/.cache`,
      MCPX_ROOTFS_CACHE: defaultRootfsCacheDir(),
      // gVisor's gofer (host uid S as root) must enter every directory above a mount, and
      // root's own cache under /root (0700) it cannot: a cache under the project instead,
      // seeded with hard links to this one's packages (Deno replaces files, never edits them).
      DENO_DIR: `${root}/.deno`,
    };
    await seedDenoDir(await resolveDenoDir(), env.DENO_DIR);
    try {
      await Deno.writeTextFile(
        `${root}/mcp_config.json`,
        JSON.stringify({ mcpServers: {}, sandbox: { tier: "podman", runtime: "runsc" } }),
      );
      await Deno.writeTextFile(
        `${root}/kernel.ts`,
        'console.log(Deno.build.os, navigator.hardwareConcurrency > 0 ? "ok" : "no");\n',
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLI, "exec", "kernel.ts"],
        cwd: root,
        env,
        stdin: "null",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      assert.equal(new TextDecoder().decode(out.stdout), "linux ok\n");
      const doctor = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLI, "doctor", "--json"],
        cwd: root,
        env,
        stdin: "null",
      }).output();
      const report = JSON.parse(new TextDecoder().decode(doctor.stdout));
      const row = (id: string) => report.checks.find((c: { id: string }) => c.id === id);
      assert.equal(row("podman.gvisor")?.ok, true, JSON.stringify(report.checks, null, 1));
      assert.match(row("podman.runtime")?.detail, /^OCI runtime runsc/);
      assert.equal(report.strictTierUsable, true, JSON.stringify(report.checks, null, 1));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
