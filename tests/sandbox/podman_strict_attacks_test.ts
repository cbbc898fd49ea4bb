/**
 * Attacks on what only the strict tier has: its mounts, the ownership hand-over of the workspace
 * (run as root), `/proc` and the kernel's interfaces, and its limits. Most run "escaped" (Deno
 * with `--allow-all`, standing for a skill that got past Deno's permissions): the container alone
 * must refuse. Each asserts the specific refusal, then that an ordinary run still works.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../helpers/skip.ts";
import { verdicts } from "./_fast.ts";
import {
  attack,
  NO_PODMAN,
  PODMAN_AVAILABLE,
  PROBE,
  probeReport,
  runStrict,
  type StrictPaths,
  strictStillWorks,
  wallProbe,
} from "./strict/_strict.ts";

const ignore = skipUnless(PODMAN_AVAILABLE, NO_PODMAN);
const asRoot = Deno.uid() === 0;

/** The one verdict line an attack printed. */
function verdict(stdout: string): string {
  const lines = verdicts(stdout);
  assert.equal(lines.length, 1, stdout);
  return lines[0]!;
}

Deno.test({
  name: "strict tier: mounts are the grant's directories, nothing picked out of private ones",
  ignore,
  async fn(t) {
    /** A private (0700) folder holding a world-readable secret and a granted code folder. */
    const plant = async ({ project }: StrictPaths) => {
      await Deno.mkdir(`${project}/private/code`, { recursive: true });
      await Deno.chmod(`${project}/private`, 0o700);
      await Deno.chmod(`${project}/private/code`, 0o755);
      await Deno.writeTextFile(`${project}/private/secret.txt`, "s3cret", { mode: 0o644 });
      await Deno.writeTextFile(`${project}/private/code/ok.ts`, "export {};", { mode: 0o644 });
    };
    const extraCode = ({ project }: StrictPaths) => [`${project}/private/code`];

    await t.step(
      "a world-readable file in a private folder beside a code folder stays out",
      async () => {
        const r = await runStrict(attack("read_file"), {
          escaped: true,
          prepare: plant,
          extraCode,
          args: ({ project }) => [`${project}/private/secret.txt`],
        });
        assert.match(verdict(r.stdout), /^REFUSED NotFound/);
        await strictStillWorks();
      },
    );

    await t.step("the granted code folder itself is there (the control)", async () => {
      const r = await runStrict(attack("read_file"), {
        escaped: true,
        prepare: plant,
        extraCode,
        args: ({ project }) => [`${project}/private/code/ok.ts`],
      });
      assert.equal(verdict(r.stdout), "ALLOWED export {};");
      await strictStillWorks();
    });

    await t.step("the project's own files beside the workspace are not mounted", async () => {
      const r = await runStrict(attack("read_file"), {
        escaped: true,
        prepare: ({ project }) =>
          Deno.writeTextFile(`${project}/mcp_config.json`, '{"token":"t0ken"}', { mode: 0o644 }),
        args: ({ project }) => [`${project}/mcp_config.json`],
      });
      assert.match(verdict(r.stdout), /^REFUSED NotFound/);
      await strictStillWorks();
    });

    await t.step("a code folder is read-only even for escaped code", async () => {
      const r = await runStrict(attack("write_file"), {
        escaped: true,
        prepare: async ({ project }) => {
          await Deno.mkdir(`${project}/code`, { mode: 0o777 });
          await Deno.writeTextFile(`${project}/code/mod.ts`, "export {};", { mode: 0o666 });
          await Deno.chmod(`${project}/code/mod.ts`, 0o666);
        },
        extraCode: ({ project }) => [`${project}/code`],
        args: ({ project }) => [`${project}/code/mod.ts`],
      });
      assert.match(verdict(r.stdout), /^REFUSED .*Read-only file system/);
      await strictStillWorks();
    });
  },
});

/** Owner, group and mode of a path, without following a final symlink. */
async function ownership(path: string): Promise<string> {
  const info = await Deno.lstat(path);
  return `${info.uid}:${info.gid} ${(info.mode! & 0o7777).toString(8)}`;
}

Deno.test({
  name: "strict tier as root: handing the workspace over never follows a planted link",
  ignore: ignore ||
    skipUnless(asRoot, "the hand-over by chown happens only when mcpx runs as root"),
  async fn(t) {
    await t.step(
      "a hard link to a private file outside: owner and mode unchanged, unreadable",
      async () => {
        let before = "";
        let after = "";
        const r = await runStrict(attack("read_file"), {
          escaped: true,
          prepare: async ({ project, workspace }) => {
            await Deno.writeTextFile(`${project}/shadow`, "root-only", { mode: 0o600 });
            await Deno.chmod(`${project}/shadow`, 0o600);
            await Deno.link(`${project}/shadow`, `${workspace}/planted`);
            before = await ownership(`${project}/shadow`);
          },
          args: ({ workspace }) => [`${workspace}/planted`],
          after: async ({ project }) => {
            after = await ownership(`${project}/shadow`);
          },
        });
        assert.equal(before, "0:0 600");
        assert.equal(after, before);
        assert.match(verdict(r.stdout), /^REFUSED PermissionDenied/);
        await strictStillWorks();
      },
    );

    await t.step(
      "a symlink to a file outside: the target is untouched and not reachable",
      async () => {
        let after = "";
        const r = await runStrict(attack("read_file"), {
          escaped: true,
          prepare: async ({ project, workspace }) => {
            await Deno.writeTextFile(`${project}/target`, "outside", { mode: 0o600 });
            await Deno.chmod(`${project}/target`, 0o600);
            await Deno.symlink(`${project}/target`, `${workspace}/link`);
          },
          args: ({ workspace }) => [`${workspace}/link`],
          after: async ({ project }) => {
            after = await ownership(`${project}/target`);
          },
        });
        assert.equal(after, "0:0 600");
        assert.match(verdict(r.stdout), /^REFUSED NotFound/);
        await strictStillWorks();
      },
    );

    await t.step("a symlink to a directory outside: nothing inside it changes owner", async () => {
      let after = "";
      await runStrict(attack("exit_code"), {
        prepare: async ({ project, workspace }) => {
          await Deno.mkdir(`${project}/etc`, { mode: 0o755 });
          await Deno.writeTextFile(`${project}/etc/conf`, "x", { mode: 0o644 });
          await Deno.symlink(`${project}/etc`, `${workspace}/etc`);
        },
        after: async ({ project }) => {
          after = `${await ownership(`${project}/etc`)} ${await ownership(`${project}/etc/conf`)}`;
        },
      });
      assert.equal(after, "0:0 755 0:0 644");
      await strictStillWorks();
    });

    await t.step("the skill cannot plant a hard link to a file of another mount", async () => {
      const r = await runStrict(PROBE, {
        escaped: true,
        args: ["link", `${attack("exit_code")}`],
      });
      assert.match(String(probeReport(r.stdout).result), /^denied: .*(cross-device|EXDEV)/i);
      await strictStillWorks();
    });

    await t.step("a FIFO planted in the workspace does not hang the hand-over", async () => {
      const r = await runStrict(attack("exit_code"), {
        prepare: async ({ workspace }) => {
          const mkfifo = await new Deno.Command("mkfifo", { args: [`${workspace}/fifo`] }).output();
          assert.ok(mkfifo.success);
        },
        timeoutMs: 20_000,
      });
      assert.equal(r.outcome.code, 3);
      await strictStillWorks();
    });
  },
});

Deno.test({
  name: "strict tier: /proc and the kernel's interfaces give nothing of the host",
  ignore,
  async fn(t) {
    await t.step("/proc lists only the container's own processes", async () => {
      const r = await runStrict(PROBE, { escaped: true, args: ["procs"] });
      const pids = probeReport(r.stdout).pids as number[];
      assert.ok(pids.length > 0 && pids.length < 10, String(pids));
      assert.ok(!pids.includes(Deno.pid));
      await strictStillWorks();
    });

    await t.step("the host process's environment is not reachable through /proc", async () => {
      const r = await runStrict(attack("read_file"), {
        escaped: true,
        args: [`/proc/${Deno.pid}/environ`],
      });
      assert.match(verdict(r.stdout), /^REFUSED (NotFound|PermissionDenied)/);
      await strictStillWorks();
    });

    await t.step("/proc/sys is read-only", async () => {
      const r = await runStrict(PROBE, {
        escaped: true,
        args: ["write", "/proc/sys/kernel/hostname"],
      });
      assert.match(String(probeReport(r.stdout).result), /^denied: /);
      await strictStillWorks();
    });

    await t.step("the memory limit cannot be raised from inside", async () => {
      for (
        const file of [
          "/sys/fs/cgroup/memory/memory.limit_in_bytes",
          "/sys/fs/cgroup/memory.max",
        ]
      ) {
        const r = await runStrict(PROBE, { escaped: true, args: ["write", file] });
        assert.match(String(probeReport(r.stdout).result), /^denied: /, file);
      }
      await strictStillWorks();
    });
  },
});

Deno.test({
  name: "strict tier: one memory limit for the whole run, and the pids limit bounds threads",
  ignore,
  async fn(t) {
    for (
      const [name, what] of [
        ["mem_workers", "four Workers holding 1.7 GiB"],
        ["mem_buffers", "ArrayBuffers holding 1.5 GiB"],
        ["mem_wasm", "WebAssembly memory holding 1.5 GiB"],
      ] as const
    ) {
      await t.step(`${what} under 256 MiB: killed: memory, and said`, async () => {
        const r = await runStrict(attack(name), { memoryMb: 256 });
        assert.equal(r.outcome.killed, "memory", r.stderr);
        assert.equal(r.outcome.code, 137);
        assert.doesNotMatch(r.stdout, /held/);
        assert.match(r.stderr, /\[mcpx: killed: memory limit 256 MiB exceeded/);
        await strictStillWorks();
      });
    }

    await t.step("a thread bomb stops at the pids limit", async () => {
      const r = await runStrict(PROBE, { args: ["threads", "100"], pidsLimit: 32 });
      const report = probeReport(r.stdout);
      assert.ok(Number(report.started) < 32, JSON.stringify(report));
      assert.match(String(report.failure), /Resource temporarily unavailable|WouldBlock/);
      await strictStillWorks();
    });

    await t.step("a process bomb of escaped code stops at the pids limit", async () => {
      const r = await runStrict(attack("fork_bomb"), {
        escaped: true,
        pidsLimit: 32,
        memoryMb: 2048,
      });
      const match = /^REFUSED after (\d+): /m.exec(r.stdout);
      assert.ok(match, r.stdout + r.stderr);
      assert.ok(Number(match[1]) < 32);
      await strictStillWorks();
    });
  },
});

Deno.test({
  name: "strict tier: the fast tier's second-wall probe, escaped, meets the container's walls",
  ignore,
  async fn(t) {
    const seen = await wallProbe();
    const expected: [string, RegExp][] = [
      ["secret", /^REFUSED NotFound/], // a host file outside every grant is not in the container
      ["etc_shadow", /^REFUSED NotFound/],
      ["etc_passwd", /^ALLOWED root:x:0:0:root:\/root:\/sbin\/nologin/], // the rootfs's own
      ["host_dir", /^REFUSED NotFound/],
      ["root_home", /^REFUSED NotFound/],
      ["harness_environ", /^REFUSED NotFound/], // own PID namespace
      ["kill_harness", /^REFUSED NotFound: ESRCH/],
      ["proc_pids", /^ALLOWED only the wall's own processes/],
      ["tcp_host", /^REFUSED ConnectionRefused/], // own network namespace
      ["write_code", /^REFUSED .*Read-only file system/],
      ["write_deno_dir", /^REFUSED NotFound/],
      ["write_root", /^REFUSED .*Read-only file system/],
      ["cgroup_procs", /^REFUSED .*Read-only file system/], // cannot leave its cgroup
      ["shell", /^REFUSED NotFound: Failed to spawn '\/bin\/sh'/], // no programs but deno
      ["unshare_user", /^REFUSED Error: errno (1|22)$/],
      ["unshare_mount", /^REFUSED Error: errno 1$/],
      ["mount_cgroup", /^REFUSED Error: errno 1$/],
      ["mount_proc", /^REFUSED Error: errno 1$/],
    ];
    for (const [label, verdict] of expected) {
      await t.step(label, () => assert.match(seen.get(label) ?? "(no line)", verdict));
    }
    await t.step("and the harness still works", () => strictStillWorks());
  },
});
