/**
 * The skill contract: {@linkcode defineSkill} and the types a skill is written against.
 *
 * A skill is a TypeScript module whose default export is the value `defineSkill` returns. The
 * harness learns its manifest (args schema, servers, permissions) by importing it in a child
 * process without any permission (see `manifest.ts`), then runs it in a sandbox (see `run.ts`).
 *
 * @module
 */
import type { z } from "zod";
import type { CallToolOptions, ToolInfo, ToolResult } from "../client/types.ts";
import type { ReadResourceResult, RequestOptions, ResourceInfo } from "../client/resource_types.ts";
import { getToolCaller } from "../bridge/runtime.ts";

/**
 * One permission request. A string is taken literally (`"example.com:443"`, `"data/in.csv"`);
 * `{ fromArg }` names an argument whose value decides it: for `net` the host[:port] of that URL
 * argument, for `read` and `write` that path argument, resolved against the workspace and
 * confined to it unless the user widens on the command line.
 */
export type PermissionRequest = string | { readonly fromArg: string };

/** What the skill process itself may do, besides talking to the bridge. */
export interface SkillPermissions {
  /** Hosts it may connect to (`host` or `host:port`), or `{ fromArg }` of a URL argument. */
  readonly net?: readonly PermissionRequest[];
  /** Paths it may read (relative paths are relative to the workspace). */
  readonly read?: readonly PermissionRequest[];
  /** Paths it may write (relative paths are relative to the workspace). */
  readonly write?: readonly PermissionRequest[];
  /** Environment variables it may read, by name. */
  readonly env?: readonly string[];
}

/** What `run` receives besides its arguments. */
export interface SkillContext {
  /** Calls `tool` on `server` through the bridge; the server must be in the skill's `servers`. */
  callTool(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<ToolResult>;
  /** Lists the tools of one of the skill's servers. */
  listTools(server: string): Promise<readonly ToolInfo[]>;
  /** Lists the resources of one of the skill's servers (empty when it offers none). */
  listResources(server: string): Promise<readonly ResourceInfo[]>;
  /** Reads one resource of one of the skill's servers; text in `contents[i].text`, binary as
   * base64 in `contents[i].blob`. */
  readResource(server: string, uri: string, options?: RequestOptions): Promise<ReadResourceResult>;
  /** Absolute path of the workspace, the skill's writable scratch space and working directory. */
  readonly workspace: string;
  /** Aborted when the run is cancelled; pass it on to long operations. */
  readonly signal: AbortSignal;
  /** Writes one diagnostic line to stderr (stdout is the skill's result). */
  log(...message: unknown[]): void;
}

/** The zod object schema of a skill's arguments. */
export type SkillArgsSchema = z.ZodObject;

/** The parsed arguments of a skill whose schema is `S`: what zod's `z.infer<S>` gives. */
export type SkillArgs<S extends SkillArgsSchema> = S["_zod"]["output"];

/** What a skill author writes inside `defineSkill({ … })`. */
export interface SkillDefinition<S extends SkillArgsSchema = SkillArgsSchema> {
  /** The skill's name. @default the file name without `.ts` */
  readonly name?: string;
  /** The arguments: a zod object, every field `.describe()`d. Flags derive from it. */
  readonly args: S;
  /** The MCP servers the skill may call; the bridge refuses every other. @default [] */
  readonly servers?: readonly string[];
  /** What the skill process may do itself. @default nothing */
  readonly permissions?: SkillPermissions;
  /** The logic. May return an exit status (default 0); a thrown error exits 1. */
  run(args: SkillArgs<S>, ctx: SkillContext): Promise<number | void> | number | void;
}

/** The marker that tells a skill apart from any other default export; a global symbol, so that
 * copies of this module loaded from different paths agree. */
export const SKILL_MARK: unique symbol = Symbol.for("mcpx.skill") as never;

/** A defined skill: the definition, frozen, and marked so that loaders can recognise it. */
export type Skill<S extends SkillArgsSchema = SkillArgsSchema> = Readonly<SkillDefinition<S>> & {
  /** Present on every value {@linkcode defineSkill} returns. */
  readonly [SKILL_MARK]: true;
};

/**
 * Defines a skill. Default-export the result.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineSkill, isSkill } from "./define.ts";
 *
 * const skill = defineSkill({
 *   args: z.object({ who: z.string().default("world").describe("Whom to greet") }),
 *   run(args) {
 *     console.log(`hello ${args.who}`);
 *   },
 * });
 * console.assert(isSkill(skill));
 * ```
 */
export function defineSkill<S extends SkillArgsSchema>(definition: SkillDefinition<S>): Skill<S> {
  if (typeof definition !== "object" || definition === null) {
    throw new TypeError("defineSkill() expects an object: defineSkill({ args, run })");
  }
  if (typeof definition.run !== "function") {
    throw new TypeError("defineSkill() needs a run(args, ctx) function");
  }
  return Object.freeze({ ...definition, [SKILL_MARK]: true as const });
}

/** Whether `value` was returned by {@linkcode defineSkill} (from any copy of this module). */
export function isSkill(value: unknown): value is Skill {
  return typeof value === "object" && value !== null &&
    (value as Record<symbol, unknown>)[SKILL_MARK] === true;
}

/**
 * `callTool(server, tool, args)` for plain scripts and `execute_code` snippets
 * (`import { callTool } from "mcpx/skill"`): through the bridge the harness connected, which
 * refuses servers the run was not granted (`SERVER_NOT_ALLOWED`).
 */
export { callTool } from "../bridge/runtime.ts";

/**
 * Lists the tools of `server` from a plain script or snippet (`import { listTools } from
 * "mcpx/skill"`), through the bridge.
 */
export async function listTools(server: string): Promise<readonly ToolInfo[]> {
  return await getToolCaller().listTools(server);
}
