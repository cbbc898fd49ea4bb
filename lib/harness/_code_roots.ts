/**
 * Module loading never widens what a run may read. Deno loads a run's statically known module
 * graph without read permission, so the harness checks, before anything runs, that every local
 * file of that graph (code, text, bytes and JSON imports alike, literal `import()` included) lies
 * inside the run's code roots: the skill's own folder, the project's `skills/` and `servers/`,
 * mcpx's own library, paths the user granted, the Deno cache (or a data path the run may read
 * anyway, which importing does not widen). A computed `import()` is not in the graph: it needs
 * read permission, which the code roots do not give.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SkillError } from "../errors.ts";

/** mcpx's own library folder (`lib/`), whose modules every run loads. */
export const MCPX_LIBRARY: string = fileURLToPath(new URL("../", import.meta.url));

/** Inputs of {@linkcode codeRoots}. */
export interface CodeRootsInput {
  /** The project root. */
  readonly root: string;
  /** The skill, script or snippet file. */
  readonly file: string;
  /** The Deno cache directory of the run. */
  readonly denoDir: string;
  /** Paths the user granted on the command line (`--allow-read`). */
  readonly granted?: readonly string[];
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

async function real(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The folders a run's modules may come from. The skill's folder counts only when it is not the
 * project root or above it (the root holds `mcp_config.json`): a script there gets itself.
 */
export async function codeRoots(input: CodeRootsInput): Promise<string[]> {
  const root = await real(input.root);
  const file = await real(input.file);
  const folder = dirname(file);
  const own = inside(root, folder) ? file : folder;
  const roots = [
    own,
    resolve(root, "skills"),
    resolve(root, "servers"),
    MCPX_LIBRARY,
    ...["npm", "remote", "gen"].map((part) => resolve(input.denoDir, part)),
    ...(input.granted ?? []),
  ];
  return [...new Set(await Promise.all(roots.map(real)))];
}

/**
 * Refuses, before anything runs, a module graph with a local file outside `roots` (both
 * resolved through symlinks). Throws `SkillError` (`SKILL_INVALID`) with one line naming the
 * file and the fix.
 */
export async function assertGraphInside(
  files: readonly string[],
  roots: readonly string[],
  display: string,
): Promise<void> {
  for (const file of files) {
    const path = await real(file);
    if (roots.some((root) => inside(path, root))) continue;
    throw new SkillError(
      "SKILL_INVALID",
      `${display} imports ${path}, outside the code a run may load (the skill's folder, ` +
        `skills/, servers/, mcpx's library, the Deno cache, the paths it may read); move the ` +
        `file into the skill's folder, or grant its folder with mcpx exec --allow-read <dir>.`,
      { data: { file: path, roots } },
    );
  }
}
