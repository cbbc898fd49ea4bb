/**
 * `mcpx doctor` end to end: a subprocess measuring this host for real, its table, its JSON, its
 * cache, its usage errors; and `ensureStrictTierGuarantees` agreeing with it.
 */
import assert from "node:assert/strict";
import { CLI } from "../helpers/paths.ts";
import { skipUnless } from "../helpers/skip.ts";
import { resolveDenoDir } from "../../lib/sandbox/env.ts";
import { defaultRootfsCacheDir } from "../../lib/sandbox/rootfs.ts";
import { ensureStrictTierGuarantees, STRICT_TIER_CHECKS } from "../../lib/sandbox/doctor.ts";
import { PODMAN_AVAILABLE } from "../sandbox/strict/_strict.ts";

/** Runs `mcpx doctor …` with a private report cache (the rootfs and deno caches are shared) and
 * no config file. */
async function doctor(args: string[], cacheHome: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, "doctor", ...args],
    // No mcp_config.json in reach: the defaults apply.
    cwd: cacheHome,
    env: {
      XDG_CACHE_HOME: cacheHome,
      XDG_CONFIG_HOME: cacheHome,
      DENO_DIR: await resolveDenoDir(),
      MCPX_ROOTFS_CACHE: defaultRootfsCacheDir(),
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("mcpx doctor: usage", async (t) => {
  const cache = await Deno.makeTempDir();
  try {
    await t.step("--help prints the help and exits 0", async () => {
      const r = await doctor(["--help"], cache);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^mcpx doctor: report which sandbox guarantees hold/);
    });
    await t.step("an argument is a usage error (exit 2)", async () => {
      const r = await doctor(["podman"], cache);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /mcpx doctor: unexpected argument "podman"/);
    });
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test({
  name: "mcpx doctor: measures every guarantee, prints a table, caches the report",
  ignore: skipUnless(PODMAN_AVAILABLE, "podman is not installed (run .ci/podman-setup)"),
  async fn(t) {
    const cache = await Deno.makeTempDir();
    try {
      let report: {
        cached: boolean;
        uid: number;
        strictTierUsable: boolean;
        config: { tier: string; memoryMb: number };
        checks: { id: string; ok: boolean; detail: string; fix?: string }[];
      };
      await t.step("--json lists each check with what was measured", async () => {
        const r = await doctor(["--json", "--refresh"], cache);
        assert.equal(r.code, 0, r.stderr);
        report = JSON.parse(r.stdout);
        assert.equal(report.cached, false);
        assert.equal(report.config.tier, "deno");
        assert.ok(report.config.memoryMb > 0);
        const ids = report.checks.map((c) => c.id);
        for (const id of ["deno.version", "deno.permissions", ...STRICT_TIER_CHECKS]) {
          assert.ok(ids.includes(id), `missing ${id}`);
        }
        for (const check of report.checks) {
          assert.ok(check.detail.length > 0);
          if (!check.ok && check.id.startsWith("podman.")) assert.ok(check.fix, check.id);
        }
        assert.equal(report.checks.find((c) => c.id === "podman.network")?.ok, true);
        assert.equal(report.checks.find((c) => c.id === "podman.read_only_root")?.ok, true);
        assert.equal(report.checks.find((c) => c.id === "podman.userns")?.ok, true);
        if (report.uid === 0) {
          // Root podman with runc enforces limits on cgroup v1 and v2 alike.
          assert.equal(report.strictTierUsable, true, JSON.stringify(report.checks, null, 1));
        }
      });

      await t.step("the table says yes/NO per guarantee and whether the tier can run", async () => {
        const r = await doctor([], cache);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /^Config \(none found; defaults\): default tier deno; podman limits/,
        );
        assert.match(r.stdout, /cached; --refresh to measure again/);
        assert.match(r.stdout, /TIER\s+GUARANTEE\s+HOLDS\s+MEASURED/);
        assert.match(r.stdout, /podman\s+memory limit\s+(yes|NO)\s+a container allocat/);
        assert.match(r.stdout, /podman\s+no network\s+yes\s+interfaces \["lo"\]/);
        assert.match(
          r.stdout,
          report.strictTierUsable ? /can run here with every guarantee/ : /refuses to run here/,
        );
      });

      await t.step("ensureStrictTierGuarantees agrees with the report", async () => {
        const run = () =>
          ensureStrictTierGuarantees({ cacheDir: `${cache}/mcpx`, cacheTtlMs: 600_000 });
        if (report.strictTierUsable) await run();
        else await assert.rejects(run, /The podman tier cannot guarantee/);
      });
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});
