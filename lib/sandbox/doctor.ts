/**
 * `mcpx doctor`: which sandbox guarantees hold on this host, measured by trying rather than
 * assumed. Every podman check starts a real container that crosses (or tries to cross) one
 * boundary: a memory hog, a thread bomb, a write to `/`, a connection out. Results are cached
 * for a short while (measuring takes a few seconds); {@linkcode ensureStrictTierGuarantees}
 * turns a failed guarantee into a refusal, so the strict tier is never silently weaker.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { SandboxError } from "../errors.ts";
import { podmanVersion } from "./_podman_cli.ts";
import { measureStrictTier } from "./_podman_measure.ts";
import { wallChecks } from "./_wall_doctor.ts";

/** One measured guarantee. */
export interface DoctorCheck {
  /** Stable id, e.g. `podman.memory`. */
  readonly id: string;
  /** The tier the guarantee belongs to. */
  readonly tier: "deno" | "podman";
  /** What is guaranteed, in a few words. */
  readonly label: string;
  /** Whether it holds here. */
  readonly ok: boolean;
  /** What was measured (or why it could not be). */
  readonly detail: string;
  /** How to make it hold, when it does not. */
  readonly fix?: string;
}

/** Everything `mcpx doctor` found. */
export interface DoctorReport {
  /** When the measurement ran (ISO 8601). */
  readonly measuredAt: string;
  /** Whether this report came from the cache. */
  readonly cached: boolean;
  /** The host user id the measurement ran as (results differ for root and rootless). */
  readonly uid: number;
  /** The checks, deno tier first. */
  readonly checks: readonly DoctorCheck[];
}

/** Options of {@linkcode runDoctor} and {@linkcode ensureStrictTierGuarantees}. */
export interface DoctorOptions {
  /** Container image to measure instead of the locally built root filesystem. */
  readonly image?: string | undefined;
  /** `sandbox.runtime`: the OCI runtime to measure (`runsc` for gVisor); only that one. */
  readonly runtime?: string | undefined;
  /** Measure again even when a fresh cached report exists. @default false */
  readonly refresh?: boolean;
  /** How long a report stays fresh. @default 600000 (10 minutes) */
  readonly cacheTtlMs?: number;
  /** Where the report is cached. @default ~/.cache/mcpx (or $XDG_CACHE_HOME/mcpx) */
  readonly cacheDir?: string;
}

/** Checks the strict tier needs, whatever the configuration. */
export const STRICT_TIER_CHECKS: readonly string[] = [
  "podman.present",
  "podman.runtime",
  "podman.userns",
  "podman.read_only_root",
  "podman.network",
  "podman.memory",
  "podman.pids",
  "podman.cpu",
];

/**
 * Measures (or reads from the short-lived cache) which guarantees hold here.
 *
 * @example
 * ```ts ignore
 * import { runDoctor } from "./doctor.ts";
 * const report = await runDoctor();
 * for (const c of report.checks) console.log(c.tier, c.label, c.ok ? "yes" : "no", c.detail);
 * ```
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const uid = Deno.uid() ?? 0;
  const podman = await podmanVersion();
  const key = JSON.stringify([
    uid,
    Deno.version.deno,
    podman,
    options.image ?? "rootfs",
    options.runtime ?? "auto",
  ]);
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 12);
  const file = join(options.cacheDir ?? defaultCacheDir(), `doctor-${hash}.json`);
  if (!options.refresh) {
    const cached = await readCache(file, key, options.cacheTtlMs ?? 600_000);
    if (cached) return { ...cached, cached: true };
  }
  const checks = [...(await denoChecks()), ...(await podmanChecks(podman, options))];
  const report: DoctorReport = { measuredAt: new Date().toISOString(), cached: false, uid, checks };
  await writeCache(file, key, report);
  return report;
}

/**
 * Refuses the strict tier when a guarantee it promises does not hold on this host (for example
 * memory limits under rootless podman on cgroup v1). The harness calls this before a podman run.
 *
 * @throws {SandboxError} `SANDBOX_UNAVAILABLE`, naming each failed guarantee and its fix.
 */
export async function ensureStrictTierGuarantees(options: DoctorOptions = {}): Promise<void> {
  const report = await runDoctor(options);
  const failed = report.checks.filter((c) => STRICT_TIER_CHECKS.includes(c.id) && !c.ok);
  if (failed.length === 0) return;
  const reasons = failed.map((c) => `${c.label}: ${c.detail}${c.fix ? ` (fix: ${c.fix})` : ""}`);
  throw new SandboxError(
    "SANDBOX_UNAVAILABLE",
    `The podman tier cannot guarantee what it promises on this host: ${reasons.join("; ")}. ` +
      `Fix the above, or run with --tier deno; "mcpx doctor" shows every guarantee.`,
    { data: { failed: failed.map((c) => c.id) } },
  );
}

async function denoChecks(): Promise<DoctorCheck[]> {
  // A child with no permissions tries to read a file: Deno's sandbox must refuse it.
  const probe = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", "data:,Deno.readTextFileSync('/etc/hostname')"],
    stdout: "null",
    stderr: "piped",
    clearEnv: true,
  }).output().catch(() => undefined);
  const refused = probe !== undefined &&
    /NotCapable|PermissionDenied/.test(new TextDecoder().decode(probe.stderr));
  return [
    {
      id: "deno.version",
      tier: "deno",
      label: "deno",
      ok: true,
      detail: `${Deno.version.deno} at ${Deno.execPath()}`,
    },
    {
      id: "deno.permissions",
      tier: "deno",
      label: "permission sandbox",
      ok: refused,
      detail: refused
        ? "a child without --allow-read was refused reading a file"
        : "a child without --allow-read was NOT refused",
      ...(refused ? {} : { fix: "reinstall Deno; DENO_* variables must not grant permissions" }),
    },
    await heapCheck(),
    ...(await wallChecks()),
  ];
}

/** A child with a 32 MiB heap cap allocates 256 MiB of objects: V8 must stop it. */
async function heapCheck(): Promise<DoctorCheck> {
  const hog = "const a = []; for (let i = 0; i < 4e6; i++) a.push({ i, s: 'x' + i }); " +
    "console.log('survived')";
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--v8-flags=--max-old-space-size=32",
      `data:application/javascript,${encodeURIComponent(hog)}`,
    ],
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
  }).output().catch(() => undefined);
  const stopped = out !== undefined && !out.success &&
    !new TextDecoder().decode(out.stdout).includes("survived");
  return {
    id: "deno.memory",
    tier: "deno",
    label: "heap cap",
    ok: stopped,
    detail: stopped
      ? "a child filling its heap past --max-old-space-size=32 was stopped (the cap is per " +
        "isolate; see the memory limit per run)"
      : "a child filled its heap past --max-old-space-size=32 and survived",
    ...(stopped ? {} : { fix: "use --tier podman for a hard memory limit" }),
  };
}

async function podmanChecks(
  version: string | undefined,
  options: DoctorOptions,
): Promise<DoctorCheck[]> {
  const present: DoctorCheck = {
    id: "podman.present",
    tier: "podman",
    label: "podman",
    ok: version !== undefined,
    detail: version ?? "podman was not found on PATH",
    ...(version ? {} : { fix: "apt-get install podman runc uidmap slirp4netns fuse-overlayfs" }),
  };
  if (!version) return [present];
  return [present, ...(await measureStrictTier(options))];
}

function defaultCacheDir(): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(base, "mcpx");
}

async function readCache(file: string, key: string, ttlMs: number) {
  try {
    const entry = JSON.parse(await Deno.readTextFile(file)) as {
      key: string;
      report: DoctorReport;
    };
    const age = Date.now() - Date.parse(entry.report.measuredAt);
    return entry.key === key && age >= 0 && age < ttlMs ? entry.report : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(file: string, key: string, report: DoctorReport): Promise<void> {
  try {
    await Deno.mkdir(join(file, ".."), { recursive: true });
    // Write then rename, so a concurrent reader never sees half a report.
    const partial = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    await Deno.writeTextFile(partial, JSON.stringify({ key, report }));
    await Deno.rename(partial, file);
  } catch {
    // A cache that cannot be written only costs a re-measure next time.
  }
}
