/**
 * Finds the file `mcpx exec <path>` means: relative to the current directory first, then in the
 * project's `skills/` folder, with or without the `.ts` suffix.
 *
 * @module
 */
import { basename, isAbsolute, resolve } from "node:path";
import { SkillError } from "../errors.ts";
import { didYouMean } from "../client/_suggest.ts";

/** The skill file names in `dir` (for "did you mean"); none when it cannot be read. */
function skillFiles(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ts"));
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * The absolute path of the skill or script `path` names. Throws `SkillError` (`SKILL_INVALID`)
 * listing where it looked.
 *
 * @example
 * ```ts ignore
 * import { resolveSkillPath } from "./resolve.ts";
 * resolveSkillPath("fetch", { cwd: "/p", root: "/p" }); // "/p/skills/fetch.ts"
 * ```
 */
export function resolveSkillPath(path: string, options: { cwd: string; root: string }): string {
  const candidates = isAbsolute(path) ? [path] : [
    resolve(options.cwd, path),
    resolve(options.root, "skills", path),
  ];
  const tried = candidates.flatMap((c) => (c.endsWith(".ts") ? [c] : [c, `${c}.ts`]));
  const found = tried.find(isFile);
  if (found === undefined) {
    const file = basename(path).endsWith(".ts") ? basename(path) : `${basename(path)}.ts`;
    const near = didYouMean(file, skillFiles(resolve(options.root, "skills")));
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot find skill or script "${path}" (looked at ${tried.join(", ")}).${near} ` +
        `"mcpx skills" lists the skills.`,
    );
  }
  return Deno.realPathSync(found);
}
