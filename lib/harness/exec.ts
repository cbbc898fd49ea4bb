/**
 * The exec harness: resolve the skill, learn its manifest without privilege, validate its
 * arguments, derive permissions, open the bridge, run it in a sandbox tier, clean up. No
 * `Deno.exit`, no printing: output goes to callbacks, the result says how it ended.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { resolve } from "node:path";
import type { ToolCaller } from "../client/types.ts";
import type { McpxConfig, Tier } from "../config/types.ts";
import { UsageError } from "../errors.ts";
import { inspectSkillWith } from "../skills/manifest.ts";
import { sandboxEnv } from "../sandbox/env.ts";
import { deriveDenoFlags } from "../sandbox/permissions.ts";
import { assertNoEscapingLinks } from "../sandbox/workspace_guard.ts";
import { startBridgeHost } from "../bridge/host.ts";
import { LazyToolCaller } from "./_lazy_caller.ts";
import type { RunBoundary } from "../privacy/boundary.ts";
import { allowedServers, hasDefaultExport } from "./_plan.ts";
import { prepareModules } from "./_prepare.ts";
import { cacheWritableBy } from "./_exec_cache.ts";
import { resolveSkillPath } from "./resolve.ts";
import { tierByName } from "./tiers.ts";

/** Options of {@linkcode execSkill}. */
export interface ExecOptions {
  /** The loaded configuration (servers, sandbox limits, project root). */
  config: McpxConfig;
  /** Directory the skill path is resolved against first. @default config.root */
  cwd?: string;
  /** The tier; `trusted` only when asked for by name. @default config.sandbox.tier */
  tier?: Tier;
  /** Wall-clock limit in seconds, at most `sandbox.max_timeout`. @default config.sandbox.timeout */
  timeoutSeconds?: number;
  /** Extra hosts (`host[:port]`); only these open private or local addresses. */
  allowNet?: readonly string[];
  /** Extra readable paths (relative to `cwd`). */
  allowRead?: readonly string[];
  /** Extra writable paths (relative to `cwd`). */
  allowWrite?: readonly string[];
  /** For a plain script: the servers it may call. For a skill: narrows its `servers`. */
  servers?: readonly string[];
  /** Print stacks of the skill's errors. @default false */
  verbose?: boolean;
  /** Host environment the skill's declared variables are copied from. @default Deno.env */
  env?: Readonly<Record<string, string>>;
  /** The tool caller the bridge forwards to; when absent a `McpClientManager` is made from
   * `config` and cleaned up after the run. A given caller is left open. */
  caller?: ToolCaller;
  /** Cancels the run (SIGINT/SIGTERM): the sandbox is killed, everything is cleaned up. */
  signal?: AbortSignal;
  /** The run's boundary to the model: restores placeholders in the skill's arguments and in
   * every tool call's arguments, and meters tool results (see `lib/privacy/boundary.ts`). */
  boundary?: RunBoundary;
  /** Receives the skill's stdout live (capped). */
  onStdout?: (chunk: Uint8Array) => void;
  /** Receives the skill's stderr live (capped), and the harness's notices. */
  onStderr?: (chunk: Uint8Array) => void;
}

/** How one `mcpx exec` ended. */
export interface ExecResult {
  /** The skill's exit status; 124 on timeout, 130 when cancelled, 0 after `--help`. */
  exitCode: number;
  /** Wall-clock duration of the whole run, in milliseconds. */
  durationMs: number;
  /** The tool calls the skill made through the bridge, in order. */
  toolCalls: readonly unknown[];
  /** Whether the timeout killed the skill. */
  timedOut: boolean;
  /** Whether stdout or stderr was cut at the output limit. */
  truncated: boolean;
  /** Why the sandbox killed the skill, when it did. */
  killed?: "timeout" | "memory" | "signal";
  /** The skill's USAGE and flags, when `argv` asked for `--help` (nothing was run). */
  help?: string;
  /** The tier that ran the skill. */
  tier: Tier;
}

const BOOTSTRAP = fromFileUrl(new URL("./_bootstrap.ts", import.meta.url));
const OWN_CONFIG = fromFileUrl(new URL("../../deno.json", import.meta.url));

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one skill or plain script in a sandbox and resolves when it has ended and everything it
 * used is cleaned up. Throws `UsageError` for bad harness options (nothing spawned),
 * `SkillError` (`INVALID_ARGUMENTS`, `SKILL_INVALID`) for a bad skill or arguments, and
 * `SandboxError` when the tier cannot run.
 *
 * @example
 * ```ts ignore
 * import { execSkill } from "./exec.ts";
 * import { loadConfig } from "../config/load.ts";
 * const result = await execSkill("skills/fetch.ts", ["--url", "https://example.com"], {
 *   config: await loadConfig(),
 *   onStdout: (chunk) => Deno.stdout.writeSync(chunk),
 * });
 * console.log(result.exitCode);
 * ```
 */
export async function execSkill(
  path: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const started = performance.now();
  const { config } = options;
  if (options.boundary !== undefined) argv = options.boundary.restore([...argv]);
  const sandbox = config.sandbox;
  const cwd = options.cwd ?? config.root;
  const tierName = options.tier ?? sandbox.tier;
  const timeoutSeconds = options.timeoutSeconds ?? sandbox.timeoutSeconds;
  if (!(timeoutSeconds > 0) || timeoutSeconds > sandbox.maxTimeoutSeconds) {
    throw new UsageError(
      `--timeout must be between 0 and ${sandbox.maxTimeoutSeconds} seconds (sandbox.max_timeout` +
        ` in the config), got ${timeoutSeconds}.`,
    );
  }
  const file = resolveSkillPath(path, { cwd, root: config.root });
  const workspacePath = resolve(config.root, "workspace");
  await Deno.mkdir(workspacePath, { recursive: true });
  const workspace = await Deno.realPath(workspacePath);
  const widenedRead = (options.allowRead ?? []).map((p) => resolve(cwd, p));
  const widenedWrite = (options.allowWrite ?? []).map((p) => resolve(cwd, p));
  const projectConfig = resolve(config.root, "deno.json");
  const configPath = exists(projectConfig) ? projectConfig : OWN_CONFIG;

  const lock = exists(resolve(configPath, "..", "deno.lock")) ? "frozen" as const : "none" as const;
  const modules = await prepareModules(file, {
    root: config.root,
    configPath,
    lock,
    bootstrap: BOOTSTRAP,
    display: path,
  });
  if (options.verbose) options.onStderr?.(new TextEncoder().encode(`${modules.notice}\n`));
  // A module without a default export is a plain script: its top-level code IS the run, so it
  // must not be imported for inspection (it would run twice, the first time unprivileged).
  const inspection = !hasDefaultExport(await Deno.readTextFile(file))
    ? { kind: "script" as const }
    : await inspectSkillWith(file, argv, {
      root: config.root,
      workspace,
      configPath,
      widened: { read: widenedRead, write: widenedWrite },
      display: path,
      ...(modules.reports ? { reports: modules.reports } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  await modules.save();
  if (options.verbose && inspection.kind === "skill") {
    const how = modules.inspectionReused() ? "reused from the exec cache" : "ran";
    options.onStderr?.(new TextEncoder().encode(`[mcpx: inspection ${how}]\n`));
  }
  const tier = tierName;
  if (inspection.kind === "skill" && inspection.help !== undefined) {
    return {
      exitCode: 0,
      durationMs: performance.now() - started,
      toolCalls: [],
      timedOut: false,
      truncated: false,
      help: inspection.help,
      tier,
    };
  }
  const isSkill = inspection.kind === "skill";
  if (!isSkill && argv.length > 0) {
    throw new UsageError(
      `${path} is a plain script (no defineSkill default export), so it takes no arguments; ` +
        `got ${argv.join(" ")}.`,
    );
  }
  const servers = allowedServers(
    isSkill ? inspection.servers : undefined,
    options.servers,
    config,
  );
  const permissions = isSkill ? inspection.permissions : { net: [], read: [], write: [], env: [] };
  const allowNet = [...(options.allowNet ?? [])];
  const codeFiles = modules.skillFiles;
  const read = [workspace, ...permissions.read, ...widenedRead, ...codeFiles];
  const write = [workspace, ...permissions.write, ...widenedWrite];
  const request = {
    net: [...permissions.net, ...allowNet],
    explicitNet: allowNet,
    read,
    write,
    env: permissions.env,
  };
  // Validate the permissions before anything is opened or spawned.
  deriveDenoFlags(request, { bridgeSocket: "/validate/bridge.sock", memoryMb: sandbox.memoryMb });
  await assertNoEscapingLinks(workspace, [workspace, ...read, ...write]);

  // A run that may write the exec cache must not leave anything there for later runs.
  const clearCache = tier !== "trusted" && modules.cacheDir !== undefined &&
    cacheWritableBy(modules.cacheDir, write);

  const sandboxTier = await tierByName(tier, { image: sandbox.image });
  await sandboxTier.ensureAvailable();

  // The MCP client loads on the skill's first tool call, not before: most of the start-up.
  const ownManager = options.caller === undefined ? new LazyToolCaller(config) : undefined;
  const inner = options.caller ?? ownManager!;
  const caller = options.boundary?.caller(inner) ?? inner;
  try {
    const bridge = await startBridgeHost(caller, { allowedServers: servers });
    try {
      const hostEnv = options.env ?? Deno.env.toObject();
      const env = tier === "trusted" ? { ...hostEnv } : sandboxEnv({
        denoDir: await modules.denoDir(),
        home: workspace,
        passNames: permissions.env,
        hostEnv,
      });
      const flags = deriveDenoFlags(request, {
        bridgeSocket: bridge.socketPath,
        memoryMb: sandbox.memoryMb,
        configPath,
        lock,
      });
      const outcome = await sandboxTier.run({
        runId: crypto.randomUUID().slice(0, 12),
        entry: BOOTSTRAP,
        entryArgs: [
          bridge.socketPath,
          file,
          JSON.stringify(isSkill ? inspection.args : {}),
          workspace,
          options.verbose ? "1" : "0",
        ],
        denoFlags: flags,
        cwd: workspace,
        env,
        readOnlyPaths: [
          ...new Set([
            ...permissions.read,
            ...widenedRead,
            ...codeFiles,
            // Not granted to the skill (static imports and Deno's own config reading need no
            // permission), but a container must have them mounted to start at all.
            ...modules.bootstrapFiles,
            ...[configPath, resolve(configPath, "..", "deno.lock")].filter(exists),
          ]),
        ],
        readWritePaths: [...new Set(write)],
        bridgeDir: bridge.dir,
        timeoutMs: timeoutSeconds * 1000,
        memoryMb: sandbox.memoryMb,
        cpus: sandbox.cpus,
        pidsLimit: sandbox.pidsLimit,
        outputLimitBytes: sandbox.outputLimitBytes,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onStdout ? { onStdout: options.onStdout } : {}),
        ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      });
      return {
        exitCode: outcome.code,
        durationMs: performance.now() - started,
        toolCalls: [...bridge.calls],
        timedOut: outcome.timedOut,
        truncated: outcome.stdoutTruncated || outcome.stderrTruncated,
        ...(outcome.killed ? { killed: outcome.killed } : {}),
        tier,
      };
    } finally {
      await bridge.close();
    }
  } finally {
    await ownManager?.cleanup();
    if (clearCache) await modules.clear();
  }
}
