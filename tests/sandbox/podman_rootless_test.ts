/**
 * The strict tier as an unprivileged user (true rootless podman with subordinate ids). The user
 * `mcpxci` is created by `.ci/podman-setup`; the test runs `rootless_main.ts` as that user with
 * `runuser` and checks what it reports.
 */
import assert from "node:assert/strict";
import { skipUnless } from "../helpers/skip.ts";
import { ROOT } from "../helpers/paths.ts";
import { ROOTLESS_USER as USER, runAsUser, userCanExecute, userUid } from "../helpers/rootless.ts";
import { PODMAN_AVAILABLE } from "./strict/_strict.ts";

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true, mode: 0o755 });
  await Deno.chmod(to, 0o755);
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) {
      await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
      await Deno.chmod(`${to}/${entry.name}`, 0o644);
    }
  }
}

function cgroupV2(): boolean {
  const mounts = Deno.readTextFileSync("/proc/mounts");
  return mounts.split("\n").some((line) => /^\S+ \/sys\/fs\/cgroup cgroup2 /.test(line));
}

const uid = userUid();
const hasSubids = (() => {
  try {
    return Deno.readTextFileSync("/etc/subuid").split("\n").some((l) => l.startsWith(`${USER}:`));
  } catch {
    return false;
  }
})();
const ignore = skipUnless(
  PODMAN_AVAILABLE && Deno.uid() === 0 && uid !== undefined && hasSubids,
  `rootless podman needs root to switch to the user "${USER}" with /etc/subuid entries ` +
    `(run .ci/podman-setup as root)`,
);

Deno.test({
  name: "podman tier: runs rootless as an unprivileged user, as that user, with no network; " +
    "refuses when the limits cannot hold",
  ignore,
  async fn() {
    const runtimeDir = `/tmp/mcpx-run-${uid}`;
    // The user may not be able to read this checkout (e.g. under /root): run a copy of what the
    // test needs from a world-readable temp dir, and a copy of deno if it cannot execute ours.
    const copy = await Deno.makeTempDir({ prefix: "mcpx_rootless_src_" });
    try {
      await Deno.chmod(copy, 0o755);
      for (const dir of ["lib", "tests/helpers", "tests/sandbox/strict"]) {
        await copyTree(`${ROOT}/${dir}`, `${copy}/${dir}`);
      }
      let deno = Deno.execPath();
      if (!(await userCanExecute(deno))) {
        deno = `${copy}/deno`;
        await Deno.copyFile(Deno.execPath(), deno);
        await Deno.chmod(deno, 0o755);
      }
      const env = {
        HOME: `/home/${USER}`,
        USER,
        XDG_RUNTIME_DIR: runtimeDir,
        PATH: "/usr/local/bin:/usr/bin:/bin",
        NO_COLOR: "1",
      };
      const out = await runAsUser(env, [
        "sh",
        "-c",
        `mkdir -p -m 0700 "$XDG_RUNTIME_DIR" && cd /tmp && exec "$0" run -A --quiet "$1"`,
        deno,
        `${copy}/tests/sandbox/strict/rootless_main.ts`,
      ]);
      check(out);
    } finally {
      await Deno.remove(copy, { recursive: true });
    }
  },
});

function check(out: Deno.CommandOutput) {
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  assert.equal(result.hostUid, uid);
  // keep-id: inside, the skill is the same unprivileged user, never root.
  assert.equal(result.whoami.report.uid, uid, result.whoami.stderr);
  assert.notEqual(result.whoami.report.uid, 0);
  assert.match(result.writeRoot.report.result, /^denied: .*Read-only/);
  assert.equal(result.writeWorkspace.report.result, "allowed");
  assert.equal(result.onHost, "x");
  assert.match(result.net.report.connect, /^denied: /);
  assert.deepEqual(result.containers, []);
  // Rootless podman on cgroup v1 ignores memory, pids and cpu limits: the tier must refuse
  // (before any run) rather than run weaker than it promises.
  if (!cgroupV2()) {
    assert.equal(result.ensure.ok, false);
    assert.match(result.ensure.message, /memory limit: .*survived.*cgroup v1 ignores limits/);
    assert.match(result.ensure.message, /--tier deno/);
  }
}
