import assert from "node:assert/strict";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { skipUnless } from "../helpers/skip.ts";
import { harnessStillWorks, runWalled, verdict } from "./_wall.ts";

const support = await wallSupport();
const ignore = skipUnless(
  support.available,
  `the fast tier's second wall cannot be built here: ${
    support.available ? "" : `${support.reason}; ${support.fix}`
  }`,
);

Deno.test({
  name: "fast tier's second wall holds even with Deno's permissions switched off",
  ignore,
  async fn(t) {
    const secretDir = await Deno.makeTempDir({ prefix: "mcpx_host_secret_" });
    const secret = `${secretDir}/token`;
    await Deno.writeTextFile(secret, "HOST-SECRET");
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted: Deno.Conn[] = [];
    (async () => {
      for await (const conn of listener) accepted.push(conn);
    })().catch(() => {});
    const port = (listener.addr as Deno.NetAddr).port;
    const probe = await runWalled("wall_probe", {
      escaped: true,
      args: [secret, String(Deno.pid), String(port), "/var/lib"],
    });
    const saw = (label: string) => verdict(probe.stdout, label);
    try {
      await t.step("the probe ran to its end", () => {
        assert.equal(probe.outcome.code, 0, probe.stderr);
      });
      const refusals: [string, RegExp][] = [
        ["secret", /^REFUSED NotFound/], // a host file outside every grant does not exist
        ["etc_shadow", /^REFUSED NotFound/],
        ["etc_passwd", /^REFUSED NotFound/], // no /etc at all without net hosts
        ["host_dir", /^REFUSED NotFound/],
        ["harness_environ", /^REFUSED NotFound/], // own PID namespace: the harness has no pid
        ["kill_harness", /^REFUSED NotFound: ESRCH/],
        ["tcp_host", /^REFUSED ConnectionRefused/], // own network namespace: host loopback absent
        ["tcp_name", /^REFUSED /], // and no name resolution files
        ["write_code", /^REFUSED .*Read-only file system/],
        ["write_deno_dir", /^REFUSED .*Read-only file system/],
        ["write_root", /^REFUSED .*Read-only file system/],
        ["cgroup_procs", /^REFUSED NotFound/], // no /sys: the run cannot leave its cgroup
        ["shell", /^REFUSED NotFound: Failed to spawn '\/bin\/sh'/], // no programs but deno
        // Through FFI: no capabilities, no further namespaces, so no mounts of cgroupfs or proc.
        ["unshare_user", /^REFUSED Error: errno (1|22|28)$/],
        ["unshare_mount", /^REFUSED Error: errno 1$/],
        ["mount_cgroup", /^REFUSED Error: errno 1$/],
        ["mount_proc", /^REFUSED Error: errno 1$/],
      ];
      for (const [label, expected] of refusals) {
        await t.step(`refused: ${label}`, () => assert.match(saw(label), expected));
      }
      await t.step("/proc shows only the wall's own processes", () => {
        assert.match(saw("proc_pids"), /^ALLOWED only the wall's own processes/);
        assert.match(saw("ppid_environ"), /^ALLOWED HOME=/); // its parent is the wall's init
        assert.doesNotMatch(probe.stdout, /HOST-SECRET|MCPX_SERVE_TOKEN/);
      });
      await t.step("no mounted cgroup filesystem inside", () => {
        assert.match(saw("cgroup_mount_list"), /^ALLOWED no cgroup fs/);
      });
      await t.step("what is granted still works; /tmp is private to the run", async () => {
        assert.match(saw("workspace_write"), /^ALLOWED ok/);
        assert.match(saw("tmp_private"), /^ALLOWED written inside/);
        await assert.rejects(Deno.stat("/tmp/mcpx-wall-planted"), Deno.errors.NotFound);
        assert.equal(accepted.length, 0);
      });
      await t.step("the harness still works afterwards", harnessStillWorks);
    } finally {
      listener.close();
      for (const conn of accepted) conn.close();
      await Deno.remove(secretDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "fast tier's second wall shares the network only when the grant names hosts",
  ignore,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const served = (async () => {
      for (let i = 0; i < 2; i++) (await listener.accept()).close();
    })();
    try {
      const r = await runWalled("wall_probe", {
        escaped: true,
        net: [{ host: "127.0.0.1", port, explicit: true }, {
          host: "localhost",
          port,
          explicit: true,
        }],
        args: ["/nonexistent", String(Deno.pid), String(port), "/var/lib"],
      });
      assert.match(verdict(r.stdout, "tcp_host"), /^ALLOWED connected/);
      // Name resolution works inside (/etc/hosts, /etc/resolv.conf and nsswitch are mounted).
      assert.match(verdict(r.stdout, "tcp_name"), /^ALLOWED connected by name/);
      // DNS and TLS files appear with the network; the rest of /etc does not.
      assert.match(verdict(r.stdout, "etc_passwd"), /^REFUSED NotFound/);
      await served;
    } finally {
      listener.close();
    }
    await harnessStillWorks();
  },
});

Deno.test({
  name: "fast tier's second wall: even a grant of / cannot uncover the host's /proc",
  ignore,
  async fn() {
    const r = await runWalled("wall_probe", {
      escaped: true,
      read: ["/"],
      args: ["/nonexistent", String(Deno.pid), "1", "/var/lib"],
    });
    assert.equal(r.outcome.code, 0, r.stderr);
    assert.match(verdict(r.stdout, "harness_environ"), /^REFUSED NotFound/);
    assert.match(verdict(r.stdout, "proc_pids"), /^ALLOWED only the wall's own processes/);
    assert.match(verdict(r.stdout, "cgroup_procs"), /^REFUSED .*Read-only file system/);
    await harnessStillWorks();
  },
});
