/**
 * The strict tier's battery. First the fast tier's attacks (`tests/sandbox/attacks/`) under the
 * harness's own Deno flags, now inside the container; then the same boundaries with Deno's
 * permissions gone (`--allow-all`, standing for a skill that escaped them): the container alone
 * must still hold.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../helpers/skip.ts";
import { SandboxError } from "../../lib/errors.ts";
import { resolveDenoDir } from "../../lib/sandbox/env.ts";
import {
  attack,
  bridgeRoundTrip,
  NO_PODMAN,
  PODMAN_AVAILABLE,
  PROBE,
  probeReport,
  runStrict,
} from "./strict/_strict.ts";

const ignore = skipUnless(PODMAN_AVAILABLE, NO_PODMAN);
/** A skill whose Deno permissions were all granted (or escaped). */

function verdicts(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^(REFUSED|ALLOWED) /.test(line));
}

Deno.test({
  name: "podman tier: the fast tier's attacks are refused inside the container too",
  ignore,
  async fn(t) {
    const cases: [string, string[]][] = [
      ["read_etc_passwd", []],
      ["read_file", ["/proc/self/environ"]],
      ["write_file", ["/etc/mcpx-pwned"]],
      ["spawn_process", []],
      ["dlopen", []],
      ["listen_tcp", []],
      ["connect_tcp", ["1.1.1.1", "80"]],
      ["fetch_url", ["http://example.com/"]],
      ["read_env", []],
      ["sys_info", []],
      ["npm_import", []],
      ["remote_import", []],
      ["make_symlink", []],
    ];
    for (const [name, args] of cases) {
      await t.step(`${name} ${args.join(" ")}`.trim(), async () => {
        const r = await runStrict(attack(name), { args });
        const lines = verdicts(r.stdout);
        assert.ok(lines.length > 0, `no verdict; stderr: ${r.stderr}`);
        for (const line of lines) assert.match(line, /^REFUSED /);
        assert.equal(r.outcome.code, 0);
      });
    }
    await t.step(
      "read_symlink through a link planted in the workspace to a host file",
      async () => {
        const r = await runStrict(attack("read_symlink"), {
          prepare: async ({ project, workspace }) => {
            await Deno.writeTextFile(`${project}/host-secret`, "s3cret", { mode: 0o644 });
            await Deno.symlink(`${project}/host-secret`, `${workspace}/link`);
          },
        });
        // Deno refuses a path outside its grant, and the target is not in the container anyway.
        assert.match(verdicts(r.stdout)[0] ?? r.stderr, /^REFUSED (NotCapable|NotFound)/);
      },
    );

    await t.step("exit status and both streams come back unchanged", async () => {
      const r = await runStrict(attack("exit_code"));
      assert.equal(r.outcome.code, 3);
      assert.equal(r.stdout, "out\n");
      assert.equal(r.stderr, "err\n");
    });
  },
});

Deno.test({
  name: "podman tier: with Deno's permissions escaped the container still holds",
  ignore,
  async fn(t) {
    await t.step("the skill's uid is not 0 and lives in its own user namespace", async () => {
      const report = probeReport(
        (await runStrict(PROBE, { args: ["whoami"], escaped: true }))
          .stdout,
      );
      assert.notEqual(report.uid, 0);
      assert.notEqual(report.gid, 0);
      // The identity map "0 0 4294967295" would mean the host's own user namespace.
      assert.doesNotMatch(String(report.uidMap), /^\s*0\s+0\s+4294967295\s*$/);
    });

    await t.step("the root filesystem is read-only", async () => {
      for (const path of ["/mcpx-pwned", "/usr/bin/deno", "/etc/passwd"]) {
        const r = await runStrict(PROBE, { args: ["write", path], escaped: true });
        assert.match(String(probeReport(r.stdout).result), /^denied: .*(Read-only|denied)/i);
      }
    });

    await t.step("/tmp is writable scratch space", async () => {
      const r = await runStrict(PROBE, { args: ["write", "/tmp/scratch"], escaped: true });
      assert.equal(probeReport(r.stdout).result, "allowed");
    });

    await t.step("/proc/self/environ holds the skill's short list, no host secret", async () => {
      Deno.env.set("MCPX_STRICT_SECRET", "hunter2-host-secret");
      // podman would copy proxy variables into the container unless told not to.
      Deno.env.set("HTTPS_PROXY", "http://user:hunter2@127.0.0.1:3128");
      try {
        const r = await runStrict(PROBE, { args: ["environ"], escaped: true });
        const environ = probeReport(r.stdout).environ as string[];
        assert.ok(environ.length > 0);
        assert.ok(!environ.some((entry) => entry.includes("hunter2")), environ.join("\n"));
        const names = environ.map((entry) => entry.split("=")[0]).sort();
        const allowed = ["DENO_DIR", "DENO_NO_UPDATE_CHECK", "HOME", "HOSTNAME", "LANG"].concat(
          ["NO_COLOR", "PATH", "TERM", "container"],
        );
        for (const name of names) assert.ok(allowed.includes(name!), `unexpected ${name}`);
      } finally {
        Deno.env.delete("MCPX_STRICT_SECRET");
        Deno.env.delete("HTTPS_PROXY");
      }
    });

    await t.step("of the deno cache only npm/, remote/ and gen/ are there", async () => {
      const denoDir = await resolveDenoDir();
      const r = await runStrict(attack("read_file"), {
        args: [`${denoDir}/dep_analysis_cache_v2`],
        escaped: true,
      });
      assert.match(verdicts(r.stdout)[0]!, /^REFUSED NotFound/);
    });

    await t.step(
      "a computed import of a host file: refused by Deno, absent behind it",
      async () => {
        const outside = await Deno.makeTempDir({ prefix: "mcpx_outside_" });
        try {
          await Deno.writeTextFile(`${outside}/secret.txt`, "OUTSIDE SECRET");
          const args = [`${outside}/secret.txt`, "text"];
          const walled = await runStrict(attack("import_computed"), { args });
          assert.match(verdicts(walled.stdout)[0]!, /^REFUSED TypeError: Requires read access/);
          const escaped = await runStrict(attack("import_computed"), { args, escaped: true });
          assert.match(
            verdicts(escaped.stdout)[0]!,
            /^REFUSED TypeError: Import .* failed, not found\./,
          );
          assert.doesNotMatch(walled.stdout + escaped.stdout, /OUTSIDE SECRET/);
        } finally {
          await Deno.remove(outside, { recursive: true });
        }
      },
    );

    await t.step("the host's /etc/hosts is not copied in", async () => {
      const r = await runStrict(attack("read_file"), { args: ["/etc/hosts"], escaped: true });
      assert.deepEqual(verdicts(r.stdout), ["ALLOWED "]);
    });

    await t.step("there is no network: only a loopback interface, no route out", async () => {
      const r = await runStrict(PROBE, { args: ["net", "1.1.1.1"], escaped: true });
      const report = probeReport(r.stdout);
      assert.deepEqual([...new Set(report.interfaces as string[])], ["lo"]);
      assert.match(String(report.connect), /^denied: /);
    });

    await t.step("the host's loopback is not the container's loopback", async () => {
      const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      try {
        const port = (server.addr as Deno.NetAddr).port;
        const r = await runStrict(attack("connect_tcp"), {
          args: ["127.0.0.1", String(port)],
          escaped: true,
        });
        assert.match(verdicts(r.stdout)[0]!, /^REFUSED .*(refused|Connection)/i);
      } finally {
        server.close();
      }
    });

    await t.step("a thread/process bomb stops at the pids limit", async () => {
      const r = await runStrict(PROBE, {
        args: ["threads", "100"],
        escaped: true,
        pidsLimit: 32,
      });
      if (r.outcome.code === 0) {
        const report = probeReport(r.stdout);
        assert.ok(Number(report.started) < 100, JSON.stringify(report));
        assert.match(String(report.failure), /Resource temporarily unavailable|WouldBlock/);
      } else {
        // Deno may also abort when a thread cannot be created: the bomb is stopped either way.
        assert.match(r.stderr, /thread|Resource temporarily unavailable|WouldBlock/i);
      }
    });

    await t.step("memory beyond --memory is killed with a clear message", async () => {
      const r = await runStrict(PROBE, { args: ["memory"], escaped: true, memoryMb: 128 });
      assert.equal(r.outcome.killed, "memory");
      assert.equal(r.outcome.code, 137);
      assert.match(r.stderr, /killed: memory limit 128 MiB exceeded/);
      assert.doesNotMatch(r.stdout, /survived/);
    });
  },
});

Deno.test({
  name: "podman tier: a skill that declares network hosts is refused, pointing at --tier deno",
  ignore,
  async fn() {
    await assert.rejects(
      () => runStrict(PROBE, { args: ["whoami"], net: ["example.com"] }),
      (error: unknown) => {
        assert.ok(error instanceof SandboxError);
        assert.equal(error.code, "SANDBOX_UNAVAILABLE");
        assert.match(error.message, /network access to example\.com.*--tier deno/);
        return true;
      },
    );
  },
});

Deno.test({
  name: "podman tier: the workspace is writable and the bridge socket is reachable",
  ignore,
  async fn(t) {
    await t.step("a file written in the workspace lands on the host", async () => {
      let written = "";
      let owner: number | null = null;
      const r = await runStrict(attack("write_file"), {
        args: ["out.txt"],
        after: async ({ workspace }) => {
          written = await Deno.readTextFile(`${workspace}/out.txt`);
          owner = (await Deno.stat(`${workspace}/out.txt`)).uid;
        },
      });
      assert.deepEqual(verdicts(r.stdout), ["ALLOWED undefined"], r.stderr);
      assert.equal(written, "pwned\n");
      // Whoever runs mcpx, the skill's files never belong to host root.
      assert.notEqual(owner, 0);
    });

    await t.step({
      name: "as root, a workspace owned by an unprivileged user is written as that user",
      ignore: Deno.uid() !== 0,
      fn: async () => {
        let owners: number[] = [];
        const r = await runStrict(attack("write_file"), {
          args: ["mine.txt"],
          prepare: ({ workspace }) => Deno.chown(workspace, 4242, 4242),
          after: async ({ workspace }) => {
            owners = [
              (await Deno.stat(workspace)).uid!,
              (await Deno.stat(`${workspace}/mine.txt`)).uid!,
            ];
          },
        });
        assert.deepEqual(verdicts(r.stdout), ["ALLOWED undefined"], r.stderr);
        // No chown of the user's workspace; the new file belongs to the user too.
        assert.deepEqual(owners, [4242, 4242]);
      },
    });

    await t.step("the skill talks to the host over the bridge socket", async () => {
      const { reply, stderr } = await bridgeRoundTrip();
      assert.equal(reply, "pong", stderr);
    });
  },
});
