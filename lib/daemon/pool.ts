/**
 * The daemon's warm state for one configuration: one {@linkcode McpClientManager} shared by
 * every command whose servers are the daemon's, with per-server serialisation (`serialize`),
 * keep-alive (`keepAlive` idle seconds) and the counters `mcpx daemon status` shows.
 *
 * @module
 */
import { McpClientManager, type ServerProbe } from "../client/manager.ts";
import type { CallerPool } from "../client/pooled.ts";
import { sameServers } from "../client/shared.ts";
import type { RequestOptions } from "../client/resource_types.ts";
import type { ToolCaller, ToolInfo, ToolResult } from "../client/types.ts";
import type { McpxConfig } from "../config/types.ts";
import { configCandidates, loadConfig } from "../config/load.ts";
import { configFiles } from "./watch.ts";
import type { ServerRow } from "./protocol.ts";

/** Reads `VmRSS` of `pid` from /proc, in KiB; `null` when unknown. */
export function rssKiB(pid: number): number | null {
  try {
    const match = Deno.readTextFileSync(`/proc/${pid}/status`).match(/^VmRSS:\s+(\d+)/m);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * A manager whose tool calls to `serialize` servers run one at a time, and which remembers
 * when each server was last used and how many calls are in flight (for keep-alive).
 */
class PooledManager extends McpClientManager {
  readonly #cfg: McpxConfig;
  readonly #queues = new Map<string, Promise<unknown>>();
  /** Per server: last use (ms since epoch) and calls running. */
  readonly use = new Map<string, { last: number; running: number; since: number }>();

  constructor(config: McpxConfig) {
    super({ config });
    this.#cfg = config;
  }

  #server(first: string, second: unknown): string {
    if (typeof second === "string") return first;
    const names = Object.keys(this.#cfg.servers).sort((a, b) => b.length - a.length);
    return names.find((s) => first.startsWith(`${s}__`)) ?? first;
  }

  async #track<T>(server: string, run: () => Promise<T>): Promise<T> {
    const now = Date.now();
    let entry = this.use.get(server);
    if (entry === undefined) this.use.set(server, entry = { last: now, running: 0, since: now });
    if (!this.stats(server).connected && entry.running === 0) entry.since = now;
    entry.running++;
    try {
      return await run();
    } finally {
      entry.running--;
      entry.last = Date.now();
    }
  }

  override callTool(...params: unknown[]): Promise<ToolResult> {
    const server = this.#server(params[0] as string, params[1]);
    const call = () =>
      (super.callTool as (...p: unknown[]) => Promise<ToolResult>).apply(this, params);
    if (this.#cfg.servers[server]?.serialize !== true) return this.#track(server, call);
    // One call at a time: chain on the previous call, whatever its outcome.
    const previous = this.#queues.get(server) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.#track(server, call));
    this.#queues.set(server, next);
    next.finally(() => {
      if (this.#queues.get(server) === next) this.#queues.delete(server);
    }).catch(() => {});
    return next;
  }

  override listTools(server: string): Promise<readonly ToolInfo[]> {
    return this.#track(server, () => super.listTools(server));
  }

  /** Tracked like a call: a server a health check connected is kept alive and swept alike. */
  override probe(server: string, options?: RequestOptions): Promise<ServerProbe> {
    return this.#track(server, () => super.probe(server, options));
  }
}

/** Configs loaded for commands, by what decides them; at most this many kept. */
const LOADED_CONFIGS = 16;

/** Each file's identity and last change, or that it is missing: what a loaded config depends on. */
function stamp(files: readonly string[]): string {
  return JSON.stringify(files.map((file) => {
    try {
      const info = Deno.statSync(file);
      return [file, info.ino, info.size, info.mtime?.getTime() ?? null];
    } catch {
      return [file, null];
    }
  }));
}

/** The pool the daemon hands to commands through their io. */
export class DaemonPool implements CallerPool {
  readonly #loaded = new Map<string, { config: McpxConfig; files: string[]; stamp: string }>();
  #config: McpxConfig;
  #manager: PooledManager;
  /** Commands currently holding each manager, so a replaced one closes when they finish. */
  readonly #holders = new Map<McpClientManager, number>();
  readonly #retired = new Set<PooledManager>();
  /** Retired managers being closed now (`close` waits for them too). */
  readonly #closing = new Set<Promise<void>>();

  constructor(config: McpxConfig) {
    this.#config = config;
    this.#manager = new PooledManager(config);
  }

  /** The configuration served. */
  get config(): McpxConfig {
    return this.#config;
  }

  /** See {@linkcode CallerPool.managerFor}. */
  managerFor(config: McpxConfig): McpClientManager | undefined {
    return sameServers(config, this.#config) ? this.#manager : undefined;
  }

  /**
   * See {@linkcode CallerPool.loadConfig}: a command's config (same `--config`, working directory
   * and environment) is loaded once and answered from memory while every file it depends on (the
   * candidates searched before it, the file itself, the imported clients' files) is unchanged.
   */
  async loadConfig(
    options: { path?: string; cwd: string; env: Readonly<Record<string, string>> },
  ): Promise<McpxConfig> {
    const key = JSON.stringify([
      options.path ?? null,
      options.cwd,
      Object.entries(options.env).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0),
    ]);
    const held = this.#loaded.get(key);
    if (held !== undefined && stamp(held.files) === held.stamp) return held.config;
    const candidates = configCandidates(options).map((candidate) => candidate.path);
    const before = stamp(candidates);
    const config = await loadConfig(options);
    const files = [...new Set([...candidates, ...configFiles(config, options)])];
    // Kept only if nothing it was searched among changed while it loaded.
    if (stamp(candidates) === before) {
      this.#loaded.delete(key);
      this.#loaded.set(key, { config, files, stamp: stamp(files) });
      for (const oldest of this.#loaded.keys()) {
        if (this.#loaded.size <= LOADED_CONFIGS) break;
        this.#loaded.delete(oldest);
      }
    }
    return config;
  }

  /** Forgets the configs loaded for commands (a file they came from changed). */
  forgetLoadedConfigs(): void {
    this.#loaded.clear();
  }

  /** See {@linkcode CallerPool.caller}. */
  caller(config: McpxConfig): { caller: ToolCaller } | undefined {
    const manager = this.managerFor(config);
    return manager === undefined ? undefined : { caller: manager };
  }

  /**
   * Serves `config` from now on. When its servers changed, new commands get a new manager and
   * the old one is closed once the commands using it have finished (so a server restarts once).
   */
  async replace(config: McpxConfig): Promise<void> {
    const old = this.#manager;
    const changed = !sameServers(config, this.#config);
    this.#config = config;
    if (!changed) return;
    this.#manager = new PooledManager(config);
    this.#retired.add(old);
    await this.#closeRetired();
  }

  /** Marks the start and end of a command (so retired managers close only when unused). */
  hold(): () => Promise<void> {
    const manager = this.#manager;
    this.#holders.set(manager, (this.#holders.get(manager) ?? 0) + 1);
    return async () => {
      this.#holders.set(manager, (this.#holders.get(manager) ?? 1) - 1);
      await this.#closeRetired();
    };
  }

  async #closeRetired(): Promise<void> {
    for (const manager of [...this.#retired]) {
      if ((this.#holders.get(manager) ?? 0) > 0) continue;
      this.#retired.delete(manager);
      this.#holders.delete(manager);
      const closing = manager.cleanup();
      this.#closing.add(closing);
      await closing.finally(() => this.#closing.delete(closing));
    }
  }

  /** Closes servers idle longer than their `keepAlive`; returns whether any call is running. */
  async sweep(now = Date.now()): Promise<boolean> {
    let busy = false;
    for (const [name, use] of this.#manager.use) {
      if (use.running > 0) {
        busy = true;
        continue;
      }
      const keep = this.#config.servers[name]?.keepAliveSeconds;
      if (
        keep !== undefined && now - use.last >= keep * 1000 && this.#manager.stats(name).connected
      ) {
        await this.#manager.disconnect(name);
      }
    }
    return busy;
  }

  /** One status row per configured server. */
  rows(now = Date.now()): ServerRow[] {
    return Object.values(this.#config.servers).map((server) => {
      const stats = this.#manager.stats(server.name);
      const use = this.#manager.use.get(server.name);
      return {
        name: server.name,
        connected: stats.connected,
        pid: stats.pid ?? null,
        uptimeSeconds: stats.connected && use !== undefined
          ? Math.round((now - use.since) / 1000)
          : null,
        calls: stats.calls,
        connects: stats.connects,
        rssKiB: stats.pid === undefined ? null : rssKiB(stats.pid),
        serialize: server.serialize === true,
      };
    });
  }

  /** Closes every server of every manager, and waits for those being closed already. */
  async close(): Promise<void> {
    await Promise.allSettled([
      ...[this.#manager, ...this.#retired].map((m) => m.cleanup()),
      ...this.#closing,
    ]);
  }
}
