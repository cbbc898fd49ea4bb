/**
 * Runs a skill module inside the sandbox, after the bridge guest installed the tool caller at
 * `globalThis[TOOL_CALLER_KEY]`. Used by the harness bootstrap.
 *
 * @module
 */
import { BridgeError, SkillError } from "../errors.ts";
import { TOOL_CALLER_KEY, type ToolCaller } from "../client/types.ts";
import { isSkill, type Skill, type SkillContext } from "./define.ts";

/** Options of {@linkcode runSkillModule}. */
export interface RunSkillOptions {
  /** Absolute workspace path, given to the skill as `ctx.workspace`. */
  readonly workspace: string;
  /** Aborted when the run is cancelled; given to the skill as `ctx.signal`. */
  readonly signal?: AbortSignal;
  /** Print the stack of a thrown error, not only its message. @default false */
  readonly verbose?: boolean;
  /** Where the `error:` line and `ctx.log` go. @default standard error */
  readonly stderr?: (text: string) => void;
  /** The tool caller. @default `globalThis[TOOL_CALLER_KEY]`, looked up at each call */
  readonly caller?: ToolCaller;
}

function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
}

function installedCaller(options: RunSkillOptions): ToolCaller {
  const caller = options.caller ??
    (globalThis as unknown as Record<symbol, ToolCaller | undefined>)[TOOL_CALLER_KEY];
  if (caller === undefined) {
    throw new BridgeError(
      "BRIDGE_ERROR",
      "No tool caller is installed: run the skill with mcpx exec, which connects it to the bridge.",
    );
  }
  return caller;
}

/** The installed caller, which must read resources (the bridge guest does). */
function resourceCaller(
  options: RunSkillOptions,
  method: "listResources" | "readResource",
): Required<Pick<ToolCaller, "listResources" | "readResource">> {
  const caller = installedCaller(options);
  if (caller.listResources === undefined || caller.readResource === undefined) {
    throw new BridgeError(
      "NOT_SUPPORTED",
      `ctx.${method} needs a tool caller that reads resources; run the skill with mcpx exec.`,
    );
  }
  return caller as Required<Pick<ToolCaller, "listResources" | "readResource">>;
}

function context(skill: Skill, options: RunSkillOptions, log: (text: string) => void) {
  const servers = skill.servers ?? [];
  const allow = (server: string) => {
    if (!servers.includes(server)) {
      throw new BridgeError(
        "SERVER_NOT_ALLOWED",
        `This skill may not call server "${server}": add it to servers in its defineSkill() ` +
          `(allowed: ${servers.join(", ") || "none"}).`,
      );
    }
  };
  const ctx: SkillContext = {
    async callTool(server, tool, args, callOptions) {
      allow(server);
      const withSignal = { signal: ctx.signal, ...callOptions };
      return await installedCaller(options).callTool(server, tool, args ?? {}, withSignal);
    },
    async listTools(server) {
      allow(server);
      return await installedCaller(options).listTools(server);
    },
    async listResources(server) {
      allow(server);
      return await resourceCaller(options, "listResources").listResources(server);
    },
    async readResource(server, uri, readOptions) {
      allow(server);
      const withSignal = { signal: ctx.signal, ...readOptions };
      return await resourceCaller(options, "readResource").readResource(server, uri, withSignal);
    },
    workspace: options.workspace,
    signal: options.signal ?? new AbortController().signal,
    log: (...message) =>
      log(`${message.map((m) => typeof m === "string" ? m : Deno.inspect(m)).join(" ")}\n`),
  };
  return ctx;
}

/** A module specifier for `import()`: URLs as they are, absolute paths as `file:` URLs. */
function moduleUrl(module: string): string {
  if (/^[a-z][a-z0-9+.-]+:/i.test(module)) return module;
  if (!module.startsWith("/")) {
    throw new TypeError(`runSkillModule() needs an absolute path or a URL, got "${module}"`);
  }
  return `file://${module.split("/").map(encodeURIComponent).join("/")}`;
}

function describeError(error: unknown, verbose: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  let text = `error: ${message}\n`;
  if (verbose && error instanceof Error && error.stack !== undefined) text += `${error.stack}\n`;
  return text;
}

/**
 * Imports `module` (a path, a URL, a loader, or an already imported namespace) and, when it
 * default-exports a skill, validates `argsJson` with the skill's schema and calls
 * `run(args, ctx)`. A plain script (`argsJson` null) is only imported: its top-level code is the
 * run, whatever it exports. Resolves
 * to the exit status: 0, the number `run` returned, or 1 after printing one `error:` line for
 * a thrown error or invalid arguments (the stack too with `verbose`).
 *
 * @example
 * ```ts ignore
 * import { runSkillModule } from "./run.ts";
 * const code = await runSkillModule("/project/skills/fetch.ts", { url: "https://example.com" }, {
 *   workspace: "/project/workspace",
 * });
 * ```
 */
export async function runSkillModule(
  module: string | Record<string, unknown> | (() => Promise<Record<string, unknown>>),
  argsJson: unknown,
  options: RunSkillOptions,
): Promise<number> {
  const log = options.stderr ?? writeStderr;
  const verbose = options.verbose ?? false;
  try {
    const namespace = typeof module === "string"
      ? await import(moduleUrl(module))
      : typeof module === "function"
      ? await module()
      : module;
    // A plain script (argsJson null) is only imported: its top-level code is the run.
    if (argsJson === null || !("default" in namespace)) return 0;
    const skill = namespace.default;
    if (!isSkill(skill)) {
      throw new SkillError(
        "SKILL_INVALID",
        'The default export is not a skill: write "export default defineSkill({ … })".',
      );
    }
    const parsed = skill.args.safeParse(argsJson ?? {});
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`);
      throw new SkillError("INVALID_ARGUMENTS", `Invalid arguments: ${lines.join("; ")}`);
    }
    const status = await skill.run(parsed.data, context(skill, options, log));
    return typeof status === "number" ? status : 0;
  } catch (error) {
    log(describeError(error, verbose));
    return 1;
  }
}
