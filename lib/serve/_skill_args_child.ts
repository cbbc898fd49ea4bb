/**
 * The inside of the permission-less child that reads a skill's arguments schema for `mcpx serve`
 * (see `_skill_args.ts`): its entry statically imports the skill and this module, then calls
 * {@linkcode reportArguments}. Nothing here needs a permission.
 *
 * @module
 */
import { z } from "zod";
import { isSkill } from "../skills/define.ts";

/** What the child reports, as one JSON line after a marker. */
export type ArgumentsReport =
  | { readonly kind: "script" }
  | { readonly kind: "skill"; readonly schema: Record<string, unknown> }
  | { readonly kind: "error"; readonly message: string };

function report(module: Record<string, unknown>): ArgumentsReport {
  if (!("default" in module)) return { kind: "script" };
  if (!isSkill(module.default)) {
    return { kind: "error", message: "its default export is not a skill (defineSkill)" };
  }
  try {
    const schema = z.toJSONSchema(module.default.args, { io: "input", unrepresentable: "any" });
    return { kind: "skill", schema: schema as Record<string, unknown> };
  } catch (error) {
    return { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

/** Writes the skill module's arguments report to stdout as `<marker><json>\n`. */
export function reportArguments(module: Record<string, unknown>, marker: string): void {
  console.log(`${marker}${JSON.stringify(report(module))}`);
}
