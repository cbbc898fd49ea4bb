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
import { McpxError, UsageError } from "../errors.ts";
import { openRun, type RunCheckpointOptions } from "../checkpoint/run.ts";
import { inspectSkillWith } from "../skills/manifest.ts";
import { sandboxEnv } from "../sandbox/env.ts";
import {
  assertSkillHostsPublic,
  assertSkillNamesResolvePublic,
  denoFlagsFor,
  parseNetGrant,
} from "../sandbox/permissions.ts";
import { DEFAULT_WORKERS, type Grant } from "../sandbox/grant.ts";
import { assertNoEscapingLinks } from "../sandbox/workspace_guard.ts";
import { startBridgeHost } from "../bridge/host.ts";
import { LazyToolCaller } from "./_lazy_caller.ts";
import type { RunBoundary } from "../privacy/boundary.ts";
import { allowedServers, hasDefaultExport } from "./_plan.ts";
import { prepareModules } from "./_prepare.ts";
import { cacheWritableBy } from "./_exec_cache.ts";
import { assertGraphInside, codeRoots } from "./_code_roots.ts";
import { entryFor } from "./_entry.ts";
import { resolveSkillPath } from "./resolve.ts";
import { tierByName } from "./tiers.ts";
import { TIERS } from "../sandbox/registry.ts";
import type { RunShape } from "../sandbox/tier.ts";

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
  /** Who started the run and who approves its calls (the checkpoint: policy, approval, audit,
   * traces). @default a CLI run with no approver */
  checkpoint?: RunCheckpointOptions;
  /** Cancels the run (SIGINT/SIGTERM): the sandbox is killed, everything is cleaned up. */
  signal?: AbortSignal;
  /** The run's boundary to the model: restores placeholders in the skill's arguments and in
   * every tool call's arguments, and meters tool results (see `lib/privacy/boundary.ts`). */
  boundary?: RunBoundary;
  /** Receives the skill's stdout live (capped). */
  onStdout?: (chunk: Uint8Array) => void;
  /** Receives the skill's stderr live (capped), and the harness's notices. */
  onStderr?: (chunk: Uint8Array) => void;
  /** The skill's arguments as a JSON object, instead of `argv` (which must then be empty):
   * `run_skill` of `mcpx serve` passes its `args` straight through. */
  args?: Record<string, unknown>;
  /** Set by `execSnippet` only: the file is an `execute_code` snippet, run as a plain module
   * (never inspected) resolving through this import map. */
  snippet?: { readonly importMap: string };
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
  /** The run's id in the audit log (`mcpx log --run ID`); absent after `--help`. */
  runId?: string;
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

/** The `deno.json` a run in project `root` resolves with: the project's, else mcpx's own. */
export function runConfigPath(root: string): string {
  const projectConfig = resolve(root, "deno.json");
  return exists(projectConfig) ? projectConfig : OWN_CONFIG;
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
  if (options.args !== undefined && argv.length > 0) {
    throw new UsageError("Give the skill's arguments either as argv words or as JSON, not both.");
  }
  const input = options.args ?? argv;
  const snippet = options.snippet;
  const file = snippet === undefined ? resolveSkillPath(path, { cwd, root: config.root }) : path;
  const workspacePath = resolve(config.root, "workspace");
  await Deno.mkdir(workspacePath, { recursive: true });
  const workspace = await Deno.realPath(workspacePath);
  const widenedRead = (options.allowRead ?? []).map((p) => resolve(cwd, p));
  const widenedWrite = (options.allowWrite ?? []).map((p) => resolve(cwd, p));
  const configPath = runConfigPath(config.root);

  const lock = exists(resolve(configPath, "..", "deno.lock")) ? "frozen" as const : "none" as const;
  const modules = await prepareModules(file, {
    root: config.root,
    configPath,
    lock,
    bootstrap: BOOTSTRAP,
    display: path,
    importMap: snippet?.importMap,
  });
  if (options.verbose) options.onStderr?.(new TextEncoder().encode(`${modules.notice}\n`));
  // A module without a default export is a plain script: its top-level code IS the run, so it
  // must not be imported for inspection (it would run twice, the first time unprivileged).
  // A snippet is always a plain module: nothing in its text is read for a manifest.
  const inspection = snippet !== undefined || !hasDefaultExport(await Deno.readTextFile(file))
    ? { kind: "script" as const }
    : await inspectSkillWith(file, input, {
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
  if (!isSkill && (argv.length > 0 || Object.keys(options.args ?? {}).length > 0)) {
    throw new UsageError(
      `${path} is a plain script (no defineSkill default export), so it takes no arguments; ` +
        `got ${argv.length > 0 ? argv.join(" ") : JSON.stringify(options.args)}.`,
    );
  }
  const servers = allowedServers(
    isSkill ? inspection.servers : undefined,
    options.servers,
    config,
  );
  const permissions = isSkill ? inspection.permissions : { net: [], read: [], write: [], env: [] };
  const denoDir = await modules.denoDir();
  const code = await codeRoots({ root: config.root, file, denoDir, granted: widenedRead });
  const grant: Grant = {
    code,
    read: [...new Set([workspace, ...permissions.read, ...widenedRead])],
    write: [...new Set([workspace, ...permissions.write, ...widenedWrite])],
    net: [
      ...permissions.net.map((host) => parseNetGrant(host, false)),
      ...(options.allowNet ?? []).map((host) => parseNetGrant(host, true)),
    ],
    env: [...permissions.env],
    servers,
    limits: {
      timeoutMs: timeoutSeconds * 1000,
      memoryMb: sandbox.memoryMb,
      cpus: sandbox.cpus,
      pidsLimit: sandbox.pidsLimit,
      workers: DEFAULT_WORKERS,
      outputLimitBytes: sandbox.outputLimitBytes,
    },
  };
  // Importing a file the run may read anyway widens nothing: data paths count as code roots here.
  // The trusted tier reads everything by choice: nothing to check.
  if (TIERS[tierName].sandboxed) {
    await assertGraphInside(
      [...modules.skillFiles, ...modules.bootstrapFiles],
      [...code, ...grant.read],
      path,
    );
  }
  // Validate the grant before anything is opened or spawned.
  assertSkillHostsPublic(grant.net);
  denoFlagsFor(grant, { bridgeSocket: "/validate/bridge.sock" });
  await assertSkillNamesResolvePublic(grant.net);
  await assertNoEscapingLinks(workspace, [workspace, ...grant.read, ...grant.write]);

  // A run that may write the exec cache must not leave anything there for later runs.
  const clearCache = tier !== "trusted" && modules.cacheDir !== undefined &&
    cacheWritableBy(modules.cacheDir, grant.write);

  const sandboxTier = await tierByName(tier, {
    image: sandbox.image,
    ociRuntime: sandbox.ociRuntime,
    requireOsIsolation: sandbox.requireOsIsolation,
  });
  await sandboxTier.ensureAvailable();

  // The MCP client loads on the skill's first tool call, not before: most of the start-up.
  const ownManager = options.caller === undefined ? new LazyToolCaller(config) : undefined;
  const hostEnv = options.env ?? Deno.env.toObject();
  const run = await openRun(options.caller ?? ownManager!, {
    config,
    env: hostEnv,
    skill: path,
    code: await Deno.readFile(file),
    ...(options.onStderr ? { onNotice: (line) => options.onStderr!(encode(line)) } : {}),
    ...options.checkpoint,
  });
  // Placeholders are restored outermost, so the checkpoint's policies see the real values.
  const caller = options.boundary?.caller(run.caller) ?? run.caller;
  let ended = "INTERNAL";
  try {
    const env = tier === "trusted" ? { ...hostEnv } : sandboxEnv({
      denoDir,
      home: workspace,
      passNames: grant.env,
      hostEnv,
    });
    const shape: RunShape = {
      entry: entryFor(file, { workers: grant.limits.workers, npmImports: modules.npmImports }),
      argsOnStdin: true,
      ...(modules.fingerprint === undefined ? {} : { codeFingerprint: modules.fingerprint }),
      grant,
      deno: { configPath, lock, denoDir, importMap: snippet?.importMap },
      support: [configPath, resolve(configPath, "..", "deno.lock"), snippet?.importMap]
        .filter((p): p is string => p !== undefined && exists(p)),
      cwd: workspace,
      env,
    };
    // In the daemon, a sandbox for this very run may be started already; the bridge then
    // listens in the directory it has mounted.
    await using reserved = await sandboxTier.reserve?.(shape);
    const bridge = await startBridgeHost(caller, {
      allowedServers: servers,
      ...(reserved === undefined ? {} : { dir: reserved.bridgeDir }),
    });
    try {
      const outcome = await sandboxTier.run({
        ...shape,
        runId: run.id,
        entryArgs: [
          bridge.socketPath,
          // `null`: a plain script or snippet, only imported, whatever it exports.
          JSON.stringify(isSkill ? inspection.args : null),
          workspace,
          options.verbose ? "1" : "0",
          String(grant.limits.workers),
        ],
        bridgeDir: bridge.dir,
        bridgeSocket: bridge.socketPath,
        ...(reserved === undefined ? {} : { reserved }),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onStdout ? { onStdout: options.onStdout } : {}),
        ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      });
      ended = outcome.code === 0 ? "ok" : `exit ${outcome.code}`;
      return {
        exitCode: outcome.code,
        durationMs: performance.now() - started,
        toolCalls: [...bridge.calls],
        timedOut: outcome.timedOut,
        truncated: outcome.stdoutTruncated || outcome.stderrTruncated,
        ...(outcome.killed ? { killed: outcome.killed } : {}),
        tier,
        runId: run.id,
      };
    } finally {
      await bridge.close();
    }
  } catch (error) {
    if (error instanceof McpxError) ended = error.code;
    throw error;
  } finally {
    await run.end(ended);
    await ownManager?.cleanup();
    if (clearCache) await modules.clear();
  }
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
