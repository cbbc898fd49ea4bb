/**
 * The strict tier: each run is one rootless-style podman container with no network, a read-only
 * root, no capabilities, no new privileges, a non-root user in its own user namespace, pids,
 * memory and cpu limits, and a noexec `/tmp`. Inside, the skill runs under the same narrowed Deno
 * permissions as the fast tier. The container is named `mcpx-<runId>` and is killed and removed
 * by name on timeout, abort or exit: no container is ever left behind.
 *
 * @module
 */
import { join } from "node:path";
import { noteContainer } from "../daemon/children.ts"; // daemon wiring
import { SandboxError } from "../errors.ts";
import { buildRunArgs, containerName, type PodmanRunContext, runMounts } from "./_podman_args.ts";
import { inspectExit, killAndRemove, podmanCommand, removeContainer } from "./_podman_cli.ts";
import {
  detectPodmanHost,
  GVISOR_RUNTIME,
  identityForWorkspace,
  type PodmanHost,
  requestedRuntime,
  type RunIdentity,
  ulimitArgs,
} from "./_podman_host.ts";
import {
  adoptRootfs,
  assertGoferReaches,
  existingMounts,
  handOverWritablePaths,
  refuseNetwork,
  writeEnvFile,
} from "./_podman_prepare.ts";
import { pipeCapped } from "./_podman_output.ts";
import { ensureRootfsImage } from "./_podman_image.ts";
import { ensureRootfs } from "./rootfs.ts";
import type { SandboxRunOutcome, SandboxRunSpec, SandboxTier } from "./tier.ts";

/** Options of {@linkcode createPodmanTier}. */
export interface PodmanTierOptions {
  /** A container image with `deno` on PATH; when absent the locally built rootfs is used. */
  readonly image?: string | undefined;
  /** Use this root filesystem directory instead of building one. */
  readonly rootfs?: string;
  /** Measures every guarantee of the tier (`mcpx doctor`'s strict-tier checks, cached for 10
   * minutes) and throws when one does not hold; {@linkcode SandboxTier.ensureAvailable} calls it.
   * The tier registry passes doctor's; given from outside so that this module does not import
   * the doctor, which runs containers through this very tier. @default no measurement */
  readonly checkGuarantees?: (
    options: { image?: string | undefined; runtime?: string },
  ) => Promise<void>;
  /** The OCI runtime (`sandbox.runtime`): `runsc` runs the container on gVisor. When given, it
   * is the only runtime tried: if it cannot run here, runs are refused, never downgraded.
   * @default the first of crun, runc that works */
  readonly runtime?: string | undefined;
}

/**
 * Creates the `podman` tier.
 *
 * @example
 * ```ts ignore
 * import { createPodmanTier } from "./podman_tier.ts";
 * const tier = createPodmanTier();
 * await tier.ensureAvailable(); // throws SandboxError SANDBOX_UNAVAILABLE, saying why
 * ```
 */
export function createPodmanTier(options: PodmanTierOptions = {}): SandboxTier {
  return new PodmanTier(options);
}

class PodmanTier implements SandboxTier {
  readonly name = "podman" as const;
  readonly #options: PodmanTierOptions;

  constructor(options: PodmanTierOptions) {
    this.#options = options;
  }

  async ensureAvailable(): Promise<void> {
    await this.#target();
    await this.#options.checkGuarantees?.({
      image: this.#options.image,
      ...(this.#options.runtime !== undefined ? { runtime: this.#options.runtime } : {}),
    });
  }

  async #target(): Promise<{ host: PodmanHost; rootfs?: string; image?: string }> {
    const runtime = requestedRuntime(this.#options.runtime);
    const image = this.#options.image;
    if (image !== undefined) return { host: await detectPodmanHost({ image }, runtime), image };
    if (this.#options.rootfs !== undefined) {
      const rootfs = this.#options.rootfs;
      return { host: await detectPodmanHost({ rootfs }, runtime), rootfs };
    }
    const built = await ensureRootfs();
    if (runtime === GVISOR_RUNTIME) {
      // gVisor cannot make a `--rootfs DIR:O` overlay read-only in a user namespace: the same
      // root filesystem, imported once as a local image, it can.
      const asImage = await ensureRootfsImage(built);
      return { host: await detectPodmanHost({ image: asImage }, runtime), image: asImage };
    }
    const rootfs = built.path;
    const host = await detectPodmanHost({ rootfs }, runtime);
    // As root the container's root is a subordinate uid: it must own the (cached, shared) rootfs
    // to create mount points in the overlay (e.g. for a read-only /etc/ssl).
    if (host.ranges) await adoptRootfs(rootfs, host.ranges.users.start, host.ranges.groups.start);
    return { host, rootfs };
  }

  async run(spec: SandboxRunSpec): Promise<SandboxRunOutcome> {
    refuseNetwork(spec);
    const { host, rootfs, image } = await this.#target();
    const mounts = await existingMounts(runMounts(spec));
    if (host.gvisor && host.ranges) {
      await assertGoferReaches(mounts, {
        uid: host.ranges.users.start,
        gid: host.ranges.groups.start,
      });
    }
    let identity: RunIdentity = host;
    if (!host.rootless) {
      const workspace = await Deno.stat(spec.cwd);
      identity = identityForWorkspace(host, { uid: workspace.uid ?? 0, gid: workspace.gid ?? 0 });
      await handOverWritablePaths(spec, mounts, { uid: identity.hostUid, gid: identity.hostGid });
    }
    const privateDir = await Deno.makeTempDir({ prefix: "mcpx-podman-" });
    const name = containerName(spec.runId);
    // Inside the daemon its watchdog removes the container if the daemon dies first (SIGKILL).
    const forgetContainer = noteContainer(name, podmanCommand());
    try {
      const context: PodmanRunContext = {
        runtime: host.runtime,
        runtimeArgs: host.runtimeArgs,
        gvisor: host.gvisor,
        ...(rootfs !== undefined ? { rootfs } : {}),
        ...(image !== undefined ? { image } : {}),
        userNamespaceArgs: identity.userNamespaceArgs,
        containerUser: identity.containerUser,
        ulimitArgs: ulimitArgs(host.rootless, host.gvisor),
        envFile: await writeEnvFile(privateDir, { ...spec.env, DENO_DIR: spec.deno.denoDir }),
      };
      return await runContainer(spec, buildRunArgs(spec, context, mounts), privateDir);
    } finally {
      await removeContainer(name);
      forgetContainer();
      await Deno.remove(privateDir, { recursive: true }).catch(() => undefined);
    }
  }
}

async function runContainer(
  spec: SandboxRunSpec,
  args: string[],
  cwd: string,
): Promise<SandboxRunOutcome> {
  const name = containerName(spec.runId);
  if (spec.signal?.aborted) return aborted();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(podmanCommand(), {
      args,
      cwd, // conmon writes files such as "oom" into its working directory: never the user's
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (cause) {
    throw new SandboxError(
      "SANDBOX_UNAVAILABLE",
      `Cannot start podman ("${podmanCommand()}"): ${String(cause)}. Install podman or use ` +
        `--tier deno; "mcpx doctor" shows what this host supports.`,
      { cause },
    );
  }
  let killed: "timeout" | "signal" | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (why: "timeout" | "signal") => {
    killed ??= why;
    stopping ??= (async () => {
      await killAndRemove(name);
      // The container may not have existed yet when it was killed: stop the client too.
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
    })();
  };
  const timer = setTimeout(() => stop("timeout"), spec.grant.limits.timeoutMs);
  const notice = (text: string) => spec.onStderr?.(new TextEncoder().encode(`[mcpx: ${text}]\n`));
  let tail = "";
  const onStderr = (chunk: Uint8Array) => {
    tail = (tail + new TextDecoder().decode(chunk)).slice(-4096);
    spec.onStderr?.(chunk);
  };
  const onAbort = () => stop("signal");
  spec.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const [stdoutTruncated, stderrTruncated, status] = await Promise.all([
      pipeCapped(child.stdout, spec.grant.limits.outputLimitBytes, spec.onStdout),
      pipeCapped(child.stderr, spec.grant.limits.outputLimitBytes, onStderr),
      child.status,
    ]);
    await stopping;
    const truncation = { stdoutTruncated, stderrTruncated };
    if (stdoutTruncated || stderrTruncated) {
      notice(`output cut at ${spec.grant.limits.outputLimitBytes} bytes per stream`);
    }
    if (killed === "timeout") {
      notice(
        `timed out after ${
          spec.grant.limits.timeoutMs / 1000
        } s; the container was killed and removed`,
      );
      return { code: 124, timedOut: true, killed, ...truncation };
    }
    if (killed === "signal") return { code: 130, timedOut: false, killed, ...truncation };
    // --rm: the container is normally gone by now and the client's status is the container's.
    // Kept if podman could not remove it yet: then its recorded state is the better source.
    const state = await inspectExit(name);
    const code = state?.exitCode ?? status.code;
    if (podmanFailed(status.code, tail) && state?.exitCode !== status.code) {
      const reason = tail.trim().split("\n").at(-1) ?? "";
      throw new SandboxError(
        "SANDBOX_ERROR",
        `podman could not run the container (exit ${status.code}): ${reason}. ` +
          `Run "mcpx doctor" to see what this host supports.`,
      );
    }
    // Exit 137 is SIGKILL; nothing but the kernel's OOM killer sends it in here (on cgroup v1
    // podman does not record OOMKilled).
    if (state?.oomKilled || code === 137 || (code !== 0 && V8_OOM.test(tail))) {
      notice(memoryKilledMessage(spec.grant.limits.memoryMb));
      return { code: 137, timedOut: false, killed: "memory", ...truncation };
    }
    return { code, timedOut: false, ...truncation };
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener("abort", onAbort);
  }
}

/** 125-127 with podman's own error line: podman (or the OCI runtime) failed, not the skill. */
function podmanFailed(code: number, stderrTail: string): boolean {
  return code >= 125 && code <= 127 && /^Error: /m.test(stderrTail);
}

const V8_OOM = /Fatal JavaScript out of memory|JavaScript heap out of memory/;

function aborted(): SandboxRunOutcome {
  return {
    code: 130,
    timedOut: false,
    killed: "signal",
    stdoutTruncated: false,
    stderrTruncated: false,
  };
}

/** The message for a run the memory limit killed. */
export function memoryKilledMessage(memoryMb: number): string {
  return `killed: memory limit ${memoryMb} MiB exceeded; raise sandbox.memory_limit in ` +
    `mcp_config.json if the skill really needs more`;
}

/** `$DENO_DIR`, else `$XDG_CACHE_HOME/deno`, else `~/.cache/deno` (Deno's own default). */
export function defaultDenoDir(): string {
  const explicit = Deno.env.get("DENO_DIR");
  if (explicit) return explicit;
  const base = Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/tmp", ".cache");
  return join(base, "deno");
}
