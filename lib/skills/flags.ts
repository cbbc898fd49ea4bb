/**
 * Command-line flags derived from a skill's zod `args` schema: names (`maxLength` =>
 * `--max-length`), value kinds, defaults and descriptions, and the `--help` table.
 *
 * @module
 */
import { SkillError } from "../errors.ts";
import type { SkillArgsSchema } from "./define.ts";

/** How a flag's text value is turned into a JSON value. */
export type FlagKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

/** One flag of a skill, as derived from one field of its `args` schema. */
export interface FlagSpec {
  /** The field name in the schema (`maxLength`). */
  readonly field: string;
  /** The flag without dashes (`max-length`). */
  readonly flag: string;
  /** How a value is coerced; `json` for objects, unions and anything else (value parsed as JSON). */
  readonly kind: FlagKind;
  /** Whether the flag repeats (`--tag a --tag b`) into an array. */
  readonly array: boolean;
  /** The allowed values of an `enum` flag. */
  readonly choices: readonly string[];
  /** Whether the flag must be given (no default, not optional). */
  readonly required: boolean;
  /** Whether the schema supplies a default. */
  readonly hasDefault: boolean;
  /** The default, when {@linkcode FlagSpec.hasDefault}. */
  readonly defaultValue: unknown;
  /** The `.describe()` text. */
  readonly description: string;
}

// deno-lint-ignore no-explicit-any
type AnySchema = any;

/** `maxLength` and `max_length` => `max-length`. */
export function toKebabCase(name: string): string {
  return name.replace(/_/g, "-").replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

function describeField(field: string, schema: AnySchema): FlagSpec {
  let node = schema;
  let description: string | undefined = node?.description;
  let required = true;
  let hasDefault = false;
  let defaultValue: unknown = undefined;
  // Walk through the wrappers (optional, default, nullable …) to the value type.
  for (let depth = 0; depth < 16; depth++) {
    const def = node?._zod?.def;
    if (def === undefined) break;
    if (def.type === "optional") required = false;
    else if (def.type === "default" || def.type === "prefault") {
      required = false;
      hasDefault = true;
      defaultValue = typeof def.defaultValue === "function" ? def.defaultValue() : def.defaultValue;
    } else if (!["nullable", "readonly", "catch", "nonoptional"].includes(def.type)) {
      if (def.type !== "pipe") break;
    }
    node = def.type === "pipe" ? def.in : def.innerType;
    description ??= node?.description;
  }
  if (description === undefined || description.trim() === "") {
    throw new SkillError(
      "SKILL_INVALID",
      `Argument "${field}" has no description: add .describe("what it is") to it in args, ` +
        `because --help and agents read it.`,
    );
  }
  const def = node?._zod?.def;
  let array = false;
  let element = node;
  if (def?.type === "array") {
    array = true;
    element = def.element;
  }
  const [kind, choices] = valueKind(element);
  return {
    field,
    flag: toKebabCase(field),
    kind,
    array,
    choices,
    required,
    hasDefault,
    defaultValue,
    description: description.trim(),
  };
}

function valueKind(schema: AnySchema): [FlagKind, string[]] {
  let node = schema;
  while (["optional", "nullable", "default", "readonly"].includes(node?._zod?.def?.type)) {
    node = node._zod.def.innerType;
  }
  const def = node?._zod?.def;
  switch (def?.type) {
    case "string":
      return ["string", []];
    case "number":
      return [node.isInt === true ? "integer" : "number", []];
    case "boolean":
      return ["boolean", []];
    case "enum":
      return ["enum", Object.values(def.entries as Record<string, unknown>).map(String)];
    case "literal":
      return def.values.every((v: unknown) => typeof v === "string")
        ? ["enum", def.values as string[]]
        : ["json", []];
    default:
      return ["json", []];
  }
}

/**
 * Derives the flags of a skill from its `args` schema. Throws `SkillError` (`SKILL_INVALID`)
 * when the schema is not a zod object or a field has no `.describe()`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { describeFlags } from "./flags.ts";
 * const [flag] = describeFlags(z.object({ maxLength: z.number().int().default(9).describe("Cap") }));
 * console.assert(flag?.flag === "max-length" && flag.kind === "integer");
 * ```
 */
export function describeFlags(schema: SkillArgsSchema): FlagSpec[] {
  const shape = (schema as AnySchema)?._zod?.def?.type === "object"
    ? (schema as AnySchema).shape
    : undefined;
  if (shape === undefined) {
    throw new SkillError(
      "SKILL_INVALID",
      "The skill's args is not a zod object: write args: z.object({ … }) in defineSkill().",
    );
  }
  const flags = Object.entries(shape).map(([field, fieldSchema]) =>
    describeField(field, fieldSchema)
  );
  const seen = new Map<string, string>();
  for (const spec of flags) {
    const other = seen.get(spec.flag);
    if (other !== undefined || spec.flag === "help") {
      throw new SkillError(
        "SKILL_INVALID",
        `Arguments "${other ?? "help"}" and "${spec.field}" both become --${spec.flag}: ` +
          `rename one of them in args.`,
      );
    }
    seen.set(spec.flag, spec.field);
  }
  return flags;
}

function typeLabel(spec: FlagSpec): string {
  const base = spec.kind === "enum" ? spec.choices.join("|") : spec.kind;
  return spec.array ? `${base}[]` : base;
}

function defaultLabel(spec: FlagSpec): string {
  if (spec.required) return "required";
  if (!spec.hasDefault) return "optional";
  return `default ${JSON.stringify(spec.defaultValue)}`;
}

/**
 * Formats the flags as the table `--help` prints after the USAGE header: flag, type,
 * default, description.
 */
export function formatFlagsTable(flags: readonly FlagSpec[]): string {
  const rows = flags.map((spec) => [
    `--${spec.flag}`,
    typeLabel(spec),
    defaultLabel(spec),
    spec.array ? `${spec.description} (repeat the flag for several)` : spec.description,
  ]);
  rows.push(["--help", "", "", "show this help"]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) =>
    `  ${row.map((cell, i) => i < 3 ? cell.padEnd(widths[i]!) : cell).join("  ")}`.trimEnd()
  );
  const boolean = flags.find((spec) => spec.kind === "boolean" && !spec.array)?.flag;
  const note = boolean === undefined
    ? ""
    : `Booleans: --${boolean}, --${boolean}=false or --no-${boolean}.\n`;
  return `Flags:\n${lines.join("\n")}\n${note}`;
}
