/**
 * Finds the file `mcpx exec <path>` means: relative to the current directory first, then in the
 * project's `skills/` folder, with or without the `.ts` suffix.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { SkillError } from "../errors.ts";

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
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot find skill or script "${path}" (looked at ${tried.join(", ")}); ` +
        `"mcpx skills" lists the skills.`,
    );
  }
  return Deno.realPathSync(found);
}
