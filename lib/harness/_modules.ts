/**
 * Before a run, the harness (which may use the network) caches everything the skill imports,
 * so the sandbox can run with `--cached-only`, and lists the skill's local module files, which
 * the sandbox must be allowed to read because the bootstrap imports the skill dynamically.
 *
 * @module
 */
import { SkillError } from "../errors.ts";

async function deno(args: string[], cwd: string) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { success: output.success, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

function configArgs(configPath: string | undefined, importMap?: string): string[] {
  const config = configPath === undefined ? ["--no-config"] : [`--config=${configPath}`];
  return importMap === undefined ? config : [...config, `--import-map=${importMap}`];
}

/**
 * Caches `modules` and their dependencies with the project's config and lock file. Remote
 * `https:` imports are refused (`--no-remote`); with a lock file, an npm package missing from
 * it fails (`--frozen`); without one, nothing is written (`--no-lock`). Throws `SkillError` (`SKILL_INVALID`) quoting Deno's error.
 */
export async function cacheModules(
  modules: readonly string[],
  options: {
    cwd: string;
    configPath: string | undefined;
    display: string;
    lock: "frozen" | "none";
    importMap?: string | undefined;
  },
): Promise<void> {
  const lock = options.lock === "none" ? "--no-lock" : "--frozen";
  const result = await deno(
    [
      "cache",
      "--quiet",
      "--no-remote",
      lock,
      ...configArgs(options.configPath, options.importMap),
      ...modules,
    ],
    options.cwd,
  );
  if (result.success) return;
  const lines = result.stderr.split("\n").map((l) => l.trim());
  const end = lines.findIndex((l) => l.startsWith("Stack backtrace"));
  const detail = lines.slice(0, end === -1 ? undefined : end).filter((l) => l !== "")
    .slice(0, 3).join(" ").replace(/^error:\s*/, "");
  throw new SkillError(
    "SKILL_INVALID",
    `Cannot prepare the imports of ${options.display}: ${detail}. Skills may import local ` +
      `files and npm packages listed in deno.json/deno.lock, never https: URLs.`,
    { data: { stderr: result.stderr } },
  );
}

/** A module's import graph as far as the sandbox cares: its local files and npm packages. */
export interface ModuleGraph {
  /** Absolute paths of the local files in the graph, the module itself included. */
  readonly files: readonly string[];
  /** Folders of the npm packages in the graph, inside the Deno cache. */
  readonly npmDirs: readonly string[];
  /** The npm modules the graph's local files import, as resolved (`npm:zod@4.6.7`). */
  readonly npmImports: readonly string[];
}

/** `module`'s import graph from `deno info`, or `undefined` when Deno cannot list it. */
export async function moduleGraph(
  module: string,
  options: { cwd: string; configPath: string | undefined; importMap?: string | undefined },
): Promise<ModuleGraph | undefined> {
  // --no-lock: listing must never write a lock file into the project.
  const result = await deno(
    ["info", "--json", "--no-lock", ...configArgs(options.configPath, options.importMap), module],
    options.cwd,
  );
  if (!result.success) return undefined;
  const info = JSON.parse(result.stdout) as {
    modules?: {
      local?: string | null;
      dependencies?: { code?: { specifier?: string } }[];
    }[];
    npmPackages?: Record<string, { localPath?: string }>;
  };
  const files = (info.modules ?? []).flatMap((m) => typeof m.local === "string" ? [m.local] : []);
  if (files.length === 0) return undefined;
  const npmDirs = Object.values(info.npmPackages ?? {}).flatMap((p) =>
    typeof p.localPath === "string" ? [p.localPath] : []
  );
  const npmImports = new Set<string>();
  for (const m of info.modules ?? []) {
    if (typeof m.local !== "string") continue;
    for (const dependency of m.dependencies ?? []) {
      const specifier = dependency.code?.specifier;
      if (typeof specifier === "string" && /^npm:[^/]/.test(specifier)) npmImports.add(specifier);
    }
  }
  return { files, npmDirs, npmImports: [...npmImports].sort() };
}

/** Absolute paths of the local files in `module`'s import graph (itself included). */
export async function localModuleFiles(
  module: string,
  options: { cwd: string; configPath: string | undefined },
): Promise<string[]> {
  const graph = await moduleGraph(module, options);
  return graph === undefined ? [module] : [...graph.files];
}
