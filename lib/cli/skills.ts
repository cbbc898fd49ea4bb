/**
 * `mcpx skills [NAME] [--json]`: the skill catalog. Lists every `skills/*.ts` with its one-line
 * purpose, or prints one skill's USAGE header, reading headers only (no skill code runs).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { type Command, COMMON_HELP, defineCommand } from "./command.ts";
import { loadConfig } from "../config/load.ts";
import { formatColumns } from "../_columns.ts";
import { listSkills, readSkillUsage } from "../skills/catalog.ts";

const HELP = `mcpx skills: list the skills and what each does, or print one skill's USAGE

Usage:
  mcpx skills [--json]          name and one-line purpose of every skills/*.ts
  mcpx skills NAME [--json]     the USAGE header of skills/NAME.ts
  mcpx skills --dir DIR         use another skills directory

Options:
  --dir DIR       skills directory (default: <project root>/skills, the root being the folder
                  of the config file in use, else the current directory)
${COMMON_HELP}

Run a skill with: mcpx exec skills/NAME.ts --flag value (add --help for its flags)`;

/** The `skills` command. */
export const command: Command = defineCommand({
  name: "skills",
  summary: "list skills with their purpose; mcpx skills NAME prints its USAGE",
  help: HELP,
  firstArgument: "skill",
  options: {
    dir: { type: "string" },
  },
  maxPositionals: 1,
  async run({ values, positionals }, io) {
    const dir = values.dir !== undefined ? resolve(io.cwd, values.dir) : join(
      (await loadConfig({
        cwd: io.cwd,
        env: io.env,
        ...(values.config === undefined ? {} : { path: values.config }),
      })).root,
      "skills",
    );
    const [name] = positionals;
    if (name !== undefined) {
      const usage = await readSkillUsage(dir, name);
      io.out(values.json ? `${JSON.stringify({ name, usage })}\n` : `${usage}\n`);
      return 0;
    }
    const skills = await listSkills(dir);
    if (values.json) {
      io.out(
        `${JSON.stringify(skills.map(({ name, purpose, file }) => ({ name, purpose, file })))}\n`,
      );
      return 0;
    }
    if (skills.length === 0) {
      io.err(`No skills in ${dir}: write skills/NAME.ts (see skills/README.md).\n`);
      return 0;
    }
    io.out(formatColumns(skills.map((s) => [s.name, s.purpose])));
    return 0;
  },
});
