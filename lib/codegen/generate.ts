/**
 * `generate`: list every server's tools and write typed wrappers under `servers/`. The tool
 * lists are kept in `servers/<server>/tools.json`, so wrappers can be rendered again (after
 * `mcpx discover`, or for `--check`) without connecting.
 *
 * @module
 */
import { visibleTools } from "../checkpoint/listing.ts";
import { join } from "node:path";
import { ClientError } from "../errors.ts";
import type { McpxConfig } from "../config/types.ts";
import type { ToolCaller, ToolInfo } from "../client/types.ts";
import { listFiles, syncFiles } from "./_files.ts";
import { readDiscovered } from "./_discovered_file.ts";
import { renderIndex, renderServer, serverFolder, type ServerTools } from "./render_server.ts";
import { RUNTIME_SOURCE } from "./render_runtime.ts";
import { resourceSnapshot } from "./render_resources.ts";
import type { ResourceInfo } from "../client/resource_types.ts";

/** One server's outcome, as reported to `onProgress` and in the result. */
export type ServerProgress =
  | { readonly server: string; readonly state: "connecting" }
  | { readonly server: string; readonly state: "listed"; readonly tools: number }
  | {
    readonly server: string;
    readonly state: "written";
    /** Files of this server written (or, with `check`, stale) and removed. */
    readonly changed: number;
  }
  | { readonly server: string; readonly state: "failed"; readonly error: Error };

/** Options for {@linkcode generateWrappers}. */
export interface GenerateOptions {
  /** Only these servers (default: every enabled server of the config). */
  servers?: readonly string[];
  /** Output folder. @default `<config root>/servers` */
  outDir?: string;
  /** Report what is stale instead of writing. @default false */
  check?: boolean;
  /** Use the saved `tools.json` lists instead of connecting. @default false */
  offline?: boolean;
  /** Called as each server connects, lists its tools (or fails), and is written. */
  onProgress?: (progress: ServerProgress) => void;
}

/** What {@linkcode generateWrappers} did. */
export interface GenerateReport {
  /** Files created or whose content changed (or, with `check`, that would be). */
  readonly written: string[];
  /** Files removed because nothing generates them any more (or that would be). */
  readonly removed: string[];
  /** Files already up to date. */
  readonly unchanged: number;
  /** The output folder. */
  readonly outDir: string;
  /** Servers whose tools were listed, with their tool counts. */
  readonly listed: Readonly<Record<string, number>>;
  /** Servers that failed, with the error. */
  readonly failed: Readonly<Record<string, Error>>;
}

/** The tool list as saved in `tools.json`: sorted by name, stable key order. */
function snapshot(tools: readonly ToolInfo[]): string {
  const sorted = [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** Reads `servers/<folder>/tools.json`, or `undefined` when absent or unreadable. */
export function readSavedTools(outDir: string, server: string): Promise<ToolInfo[] | undefined> {
  return readSavedList<ToolInfo>(outDir, server, "tools.json");
}

async function readSavedList<T>(
  outDir: string,
  server: string,
  file: string,
): Promise<T[] | undefined> {
  try {
    const text = await Deno.readTextFile(join(outDir, serverFolder(server), file));
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed as T[] : undefined;
  } catch {
    return undefined;
  }
}

/** The server's resources: listed live when the caller can, else as saved in `resources.json`
 * (a server whose listing fails keeps its saved helpers rather than losing them). */
async function serverResources(
  caller: Pick<ToolCaller, "listResources">,
  outDir: string,
  server: string,
  offline: boolean,
): Promise<readonly ResourceInfo[]> {
  if (!offline && caller.listResources !== undefined) {
    try {
      return await caller.listResources(server);
    } catch {
      // Fall back to the saved list below.
    }
  }
  return await readSavedList<ResourceInfo>(outDir, server, "resources.json") ?? [];
}

function selectServers(config: McpxConfig, requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) {
    return Object.values(config.servers).filter((s) => !s.disabled).map((s) => s.name);
  }
  for (const name of requested) {
    if (!Object.hasOwn(config.servers, name)) {
      throw new ClientError(
        "UNKNOWN_SERVER",
        `Unknown server "${name}". Configured: ${
          Object.keys(config.servers).join(", ") || "none"
        }; ` +
          "check the name or add it to mcp_config.json.",
      );
    }
  }
  return [...requested];
}

/**
 * Lists the tools of the selected servers (in parallel; one failure does not stop the others)
 * and writes `servers/_runtime.ts`, `servers/INDEX.md` and, per server, one wrapper file per
 * tool, `index.ts`, `README.md` and `tools.json`, plus `resources.ts` and `resources.json` for a
 * server that lists resources. Files of tools that disappeared are removed;
 * `discovered_types.ts` is kept and used for output types.
 */
export async function generateWrappers(
  config: McpxConfig,
  caller: Pick<ToolCaller, "listTools" | "listResources">,
  options: GenerateOptions = {},
): Promise<GenerateReport> {
  const outDir = options.outDir ?? join(config.root, "servers");
  const selected = selectServers(config, options.servers);
  const listed: Record<string, number> = {};
  const failed: Record<string, Error> = {};
  const entries = new Map<string, ServerTools>();
  await Promise.all(selected.map(async (server) => {
    options.onProgress?.({ server, state: "connecting" });
    try {
      const listing = options.offline === true
        ? await readSavedTools(outDir, server)
        : await caller.listTools(server);
      if (listing === undefined) {
        throw new ClientError(
          "CONNECT_FAILED",
          `No saved tool list for "${server}": run "mcpx generate ${server}" while it is reachable.`,
        );
      }
      // Blocked tools get no wrapper and no line in the index.
      const tools = visibleTools(config, server, listing);
      const discovered = await readDiscovered(join(outDir, serverFolder(server)));
      const resources = await serverResources(caller, outDir, server, options.offline === true);
      entries.set(server, { server, tools, resources, ...discovered });
      listed[server] = tools.length;
      options.onProgress?.({ server, state: "listed", tools: tools.length });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      failed[server] = err;
      options.onProgress?.({ server, state: "failed", error: err });
    }
  }));

  const files = new Map<string, string>([["_runtime.ts", RUNTIME_SOURCE]]);
  for (const server of selected) {
    const entry = entries.get(server);
    if (entry === undefined) continue;
    for (const [rel, text] of renderServer(entry)) files.set(rel, text);
    files.set(`${serverFolder(server)}/tools.json`, snapshot(entry.tools));
    const resources = resourceSnapshot(entry.resources ?? []);
    if (resources.length > 0) {
      files.set(
        `${serverFolder(server)}/resources.json`,
        `${JSON.stringify(resources, null, 2)}\n`,
      );
    }
  }
  // The index covers every generated server, including ones not listed in this run.
  const indexEntries = [...entries.values()];
  const generatedFolders = await generatedServerFolders(outDir);
  const configured = new Map(Object.keys(config.servers).map((name) => [serverFolder(name), name]));
  const unconfigured: string[] = [];
  for (const folder of generatedFolders) {
    const name = configured.get(folder);
    if (name === undefined) {
      if (options.servers === undefined || options.servers.length === 0) unconfigured.push(folder);
      continue;
    }
    if (entries.has(name)) continue;
    const tools = await readSavedTools(outDir, name);
    if (tools !== undefined) indexEntries.push({ server: name, tools });
  }
  files.set("INDEX.md", renderIndex(indexEntries));
  const owned = [...[...entries.keys()].map(serverFolder), ...unconfigured];
  const sync = await syncFiles(outDir, files, {
    owned: { folders: owned, files: [] },
    check: options.check ?? false,
  });
  for (const server of entries.keys()) {
    const prefix = `${serverFolder(server)}/`;
    const changed = [...sync.written, ...sync.removed].filter((f) => f.startsWith(prefix)).length;
    options.onProgress?.({ server, state: "written", changed });
  }
  return { ...sync, outDir, listed, failed };
}

/** Folders under `outDir` that hold a `tools.json` (i.e. were written by `generate`). */
async function generatedServerFolders(outDir: string): Promise<string[]> {
  const files = await listFiles(outDir);
  return files.filter((f) => /^[^/]+\/tools\.json$/.test(f)).map((f) => f.split("/")[0] as string);
}
