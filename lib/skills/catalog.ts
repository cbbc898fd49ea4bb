/**
 * The skill catalog: every `skills/*.ts` with its one-line purpose, read from the USAGE
 * headers without running any skill code.
 *
 * @module
 */
import { basename, join } from "node:path";
import { UsageError } from "../errors.ts";
import { didYouMean } from "../client/_suggest.ts";
import { extractHeader } from "./header.ts";

/** One entry of the catalog. */
export interface SkillSummary {
  /** The file name without `.ts`: what `mcpx skills NAME` takes. */
  readonly name: string;
  /** Absolute path of the file. */
  readonly file: string;
  /** The header's one-line purpose; empty when the file has no header. */
  readonly purpose: string;
}

/** Whether a directory entry is a skill: a `.ts` file not private (`_x.ts`), a test or a
 * declaration file. */
function isSkillFile(name: string): boolean {
  return name.endsWith(".ts") && !name.startsWith("_") && !name.startsWith(".") &&
    !name.endsWith("_test.ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts");
}

/**
 * Lists the skills in `dir` (usually `<root>/skills`), sorted by name. A missing directory is
 * an empty catalog.
 *
 * @example
 * ```ts ignore
 * import { listSkills } from "./catalog.ts";
 * for (const skill of await listSkills("skills")) console.log(skill.name, skill.purpose);
 * ```
 */
export async function listSkills(dir: string): Promise<SkillSummary[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if ((entry.isFile || entry.isSymlink) && isSkillFile(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  names.sort();
  return await Promise.all(names.map(async (name) => {
    const file = join(dir, name);
    const header = extractHeader(await Deno.readTextFile(file));
    return { name: name.slice(0, -3), file, purpose: header?.purpose ?? "" };
  }));
}

/**
 * Returns the USAGE header of one skill in `dir`, found by name (`fetch`, `fetch.ts` or
 * `skills/fetch.ts`). Throws `UsageError` naming the available skills when there is none.
 */
export async function readSkillUsage(dir: string, name: string): Promise<string> {
  const wanted = basename(name).replace(/\.ts$/, "");
  const skills = await listSkills(dir);
  const skill = skills.find((s) => s.name === wanted);
  if (skill === undefined) {
    const known = skills.map((s) => s.name).join(", ") || "none";
    throw new UsageError(
      `Unknown skill "${name}" in ${dir} (skills: ${known}).` +
        `${didYouMean(wanted, skills.map((s) => s.name))} Run "mcpx skills" to list them.`,
    );
  }
  const header = extractHeader(await Deno.readTextFile(skill.file));
  return header?.text ??
    `${skill.name}: no USAGE header (the file does not start with a comment); read ${skill.file}`;
}
