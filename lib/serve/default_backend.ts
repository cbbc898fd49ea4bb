/**
 * The real {@linkcode ServeBackend}: the MCP client manager over the config's servers, the skills
 * catalog in `<root>/skills`, and the exec harness.
 *
 * @module
 */
import { join } from "node:path";
import type { McpxConfig } from "../config/types.ts";
import { McpClientManager } from "../client/manager.ts";
import { listSkills, readSkillUsage } from "../skills/catalog.ts";
import { SkillError } from "../errors.ts";
import type { ServeBackend, SkillRunner } from "./backend.ts";
import { harnessRunner } from "./_harness_runner.ts";
import { withVisibleTools } from "../checkpoint/listing.ts";
import { unknownName } from "./_run_checks.ts";

/** Options for {@linkcode createDefaultBackend}. */
export interface DefaultBackendOptions {
  /** The environment for stdio servers and skills. @default Deno.env.toObject() */
  env?: Record<string, string>;
  /** Runs skills; replaces the exec harness (e.g. to run in-process in tests). */
  runner?: SkillRunner;
  /** A manager to use instead of a new one (the daemon's shared one); left open by `close`. */
  manager?: McpClientManager;
}

/**
 * Wires the real parts of mcpx for `mcpx serve`. Nothing connects until a tool needs it (the
 * client manager is lazy); {@linkcode ServeBackend.close} closes every MCP connection.
 *
 * @example
 * ```ts ignore
 * import { loadConfig } from "../config/load.ts";
 * import { createDefaultBackend } from "./default_backend.ts";
 * const backend = createDefaultBackend(await loadConfig());
 * await backend.close();
 * ```
 */
export function createDefaultBackend(
  config: McpxConfig,
  options: DefaultBackendOptions = {},
): ServeBackend {
  const env = options.env ?? Deno.env.toObject();
  const manager = options.manager ?? new McpClientManager({ config, env });
  const skillsDir = join(config.root, "skills");
  return {
    root: config.root,
    sandbox: config.sandbox,
    serve: config.serve ?? {
      allowNet: [],
      tier: config.sandbox.tier,
      allowTrusted: config.sandbox.allowTrusted,
      servers: [],
    },
    tools: withVisibleTools(manager, config),
    skills: {
      list: () => listSkills(skillsDir),
      usage: (name) => readSkillUsage(skillsDir, name),
      async resolve(name) {
        const wanted = name.replace(/^(?:\.\/)?skills\//, "").replace(/\.ts$/, "");
        const skills = await listSkills(skillsDir);
        const skill = skills.find((s) => s.name === wanted);
        if (skill === undefined) {
          throw new SkillError(
            "SKILL_INVALID",
            `${
              unknownName("skill", name, skills.map((s) => s.name))
            } Call list_skills to see them.`,
          );
        }
        return skill.file;
      },
    },
    runner: options.runner ?? harnessRunner(config, manager, env),
    ...(config.privacy === undefined ? {} : { privacy: config.privacy }),
    env,
    close: () => options.manager === undefined ? manager.cleanup() : Promise.resolve(),
  };
}
