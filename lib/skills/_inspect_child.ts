/**
 * The inside of the permission-less inspection child (see `manifest.ts`). The child's entry is
 * a tiny generated module that statically imports the skill and this module, then calls
 * {@linkcode reportInspection}. Nothing here needs a permission: writing to stdout does not.
 *
 * @module
 */
import { McpxError } from "../errors.ts";
import { isSkill } from "./define.ts";
import { parseSkillArgv } from "./args.ts";
import { describeFlags, formatFlagsTable } from "./flags.ts";
import { expandPermissionRequests, type RequestedPermissions } from "./permissions.ts";

/** What the child reports, as one JSON line after a marker. */
export type ChildReport =
  | { readonly kind: "script" }
  | {
    readonly kind: "skill";
    readonly name: string | undefined;
    readonly servers: readonly string[];
    readonly requested: RequestedPermissions;
    /** Coerced flag values, `undefined` with `--help`. */
    readonly input: Record<string, unknown> | undefined;
    /** The flags table, set with `--help`. */
    readonly flagsTable: string | undefined;
  }
  | { readonly kind: "error"; readonly code: string; readonly message: string };

function parseJsonArgs(
  schema: { safeParse(value: unknown): { success: boolean; data?: unknown; error?: unknown } },
  input: Record<string, unknown>,
): { help: false; args: Record<string, unknown>; input: Record<string, unknown> } {
  const parsed = schema.safeParse(input) as {
    success: boolean;
    data?: Record<string, unknown>;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
  if (!parsed.success) {
    const lines = (parsed.error?.issues ?? []).map((i) =>
      `${i.path.map(String).join(".") || "args"}: ${i.message}`
    );
    throw new McpxError("INVALID_ARGUMENTS", `Invalid arguments: ${lines.join("; ")}`);
  }
  return { help: false, args: parsed.data ?? {}, input };
}

function inspect(
  module: Record<string, unknown>,
  argv: string[] | Record<string, unknown>,
  display: string,
): ChildReport {
  if (!("default" in module)) return { kind: "script" };
  const skill = module.default;
  if (!isSkill(skill)) {
    return {
      kind: "error",
      code: "SKILL_INVALID",
      message: `${display}: its default export is not a skill: write ` +
        `"export default defineSkill({ … })", or remove the default export to run it as a plain script.`,
    };
  }
  const servers = skill.servers ?? [];
  if (!Array.isArray(servers) || servers.some((s) => typeof s !== "string")) {
    return {
      kind: "error",
      code: "SKILL_INVALID",
      message: `${display}: servers must be an array of server names, e.g. ["filesystem"].`,
    };
  }
  const flags = describeFlags(skill.args);
  const fields = flags.map((flag) => flag.field);
  const name = typeof skill.name === "string" ? skill.name : undefined;
  // Check the definition's references before the user's arguments: a broken skill is not a
  // usage error.
  expandPermissionRequests(skill.permissions, {}, fields);
  // JSON arguments (run_skill) are validated as they are; argv words are parsed as flags.
  const parsed = Array.isArray(argv)
    ? parseSkillArgv(skill.args, argv, { display: `mcpx exec ${display}` })
    : parseJsonArgs(skill.args, argv);
  if (parsed.help) {
    return {
      kind: "skill",
      name,
      servers,
      requested: expandPermissionRequests(skill.permissions, {}, fields),
      input: undefined,
      flagsTable: formatFlagsTable(flags),
    };
  }
  return {
    kind: "skill",
    name,
    servers,
    requested: expandPermissionRequests(skill.permissions, parsed.args, fields),
    input: parsed.input,
    flagsTable: undefined,
  };
}

/**
 * Inspects the imported skill module with the words after the skill path and writes the
 * report to stdout as `<marker><json>\n`.
 */
export function reportInspection(module: Record<string, unknown>, args: readonly string[]): void {
  const [marker = "", argvJson = "[]", display = "skill"] = args;
  let report: ChildReport;
  try {
    report = inspect(module, JSON.parse(argvJson), display);
  } catch (error) {
    report = error instanceof McpxError
      ? { kind: "error", code: error.code, message: error.message }
      : { kind: "error", code: "SKILL_INVALID", message: `${display}: ${String(error)}` };
  }
  const bytes = new TextEncoder().encode(`\n${marker}${JSON.stringify(report)}\n`);
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
}
