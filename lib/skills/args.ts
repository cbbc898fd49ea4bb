/**
 * Parses a skill's command-line flags against its zod `args` schema: kebab-case or camelCase
 * names, coercion to numbers, integers, booleans, enums and arrays, then zod validation. Every
 * problem is one line naming the flag (`--max-length: expected an integer, got "abc"`).
 *
 * @module
 */
import { SkillError } from "../errors.ts";
import type { SkillArgsSchema } from "./define.ts";
import { describeFlags, type FlagSpec } from "./flags.ts";

/** The outcome of {@linkcode parseSkillArgv}. */
export type ParsedSkillArgv =
  | {
    /** `--help` or `-h` was given: print the help, validate nothing. */
    readonly help: true;
  }
  | {
    /** No `--help`. */
    readonly help: false;
    /** The flag values coerced to JSON, before zod (what `runSkillModule` parses again). */
    readonly input: Record<string, unknown>;
    /** The zod output: defaults applied, every value validated. */
    readonly args: Record<string, unknown>;
  };

/** Options of {@linkcode parseSkillArgv}. */
export interface ParseSkillArgvOptions {
  /** How to run the skill, for the hint after the errors (`mcpx exec skills/fetch.ts`).
   * @default "mcpx exec <skill>" */
  readonly display?: string;
}

function coerce(spec: FlagSpec, text: string): { value: unknown } | { error: string } {
  const got = JSON.stringify(text);
  switch (spec.kind) {
    case "string":
      return { value: text };
    case "integer":
      return /^[+-]?\d+$/.test(text.trim())
        ? { value: Number(text) }
        : { error: `expected an integer, got ${got}` };
    case "number": {
      const value = Number(text);
      return text.trim() === "" || Number.isNaN(value)
        ? { error: `expected a number, got ${got}` }
        : { value };
    }
    case "boolean":
      if (["true", "1", "yes"].includes(text)) return { value: true };
      if (["false", "0", "no"].includes(text)) return { value: false };
      return { error: `expected true or false, got ${got}` };
    case "enum":
      return spec.choices.includes(text)
        ? { value: text }
        : { error: `expected one of ${spec.choices.join(", ")}; got ${got}` };
    case "json":
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { value: text };
      }
  }
}

function formatValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 60 ? `, got ${text}` : "";
}

/**
 * Parses `argv` (the words after the skill path) into the skill's arguments. Throws
 * `SkillError` (`INVALID_ARGUMENTS`) listing every problem, one line each, before anything is
 * spawned; `SKILL_INVALID` when the schema itself is unusable.
 *
 * Rules: flags only (no positionals); `--name value` or `--name=value`; a value never starts
 * with `--` unless written `--name=--value`; booleans are `--raw`, `--raw=false`, `--no-raw`;
 * arrays repeat the flag; `--help`/`-h` wins over everything else.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseSkillArgv } from "./args.ts";
 * const schema = z.object({ maxLength: z.number().int().default(10).describe("Cap") });
 * const parsed = parseSkillArgv(schema, ["--max-length", "42"]);
 * console.assert(!parsed.help && parsed.args.maxLength === 42);
 * ```
 */
export function parseSkillArgv(
  schema: SkillArgsSchema,
  argv: readonly string[],
  options: ParseSkillArgvOptions = {},
): ParsedSkillArgv {
  const flags = describeFlags(schema);
  if (argv.some((word) => word === "--help" || word === "-h")) return { help: true };
  const byName = new Map<string, FlagSpec>();
  for (const spec of flags) {
    byName.set(spec.flag, spec);
    byName.set(spec.field, spec);
  }
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  const set = (spec: FlagSpec, value: unknown) => {
    if (spec.array) ((input[spec.field] ??= []) as unknown[]).push(value);
    else if (spec.field in input) problems.push(`--${spec.flag}: given more than once`);
    else input[spec.field] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith("--") || word === "--") {
      problems.push(
        `${JSON.stringify(word)}: unexpected argument; skills take flags only (--name value)`,
      );
      continue;
    }
    const eq = word.indexOf("=");
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    let spec = byName.get(name);
    let negated = false;
    if (spec === undefined && name.startsWith("no-") && eq === -1) {
      const positive = byName.get(name.slice(3));
      if (positive?.kind === "boolean" && !positive.array) [spec, negated] = [positive, true];
    }
    if (spec === undefined) {
      const known = flags.map((f) => `--${f.flag}`).join(", ") || "none";
      problems.push(`--${name}: unknown flag (flags: ${known})`);
      continue;
    }
    let text: string;
    if (eq !== -1) text = word.slice(eq + 1);
    else if (spec.kind === "boolean" && !spec.array) {
      set(spec, !negated);
      continue;
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        problems.push(`--${spec.flag}: expected a value (--${spec.flag} VALUE)`);
        continue;
      }
      text = next;
      i++;
    }
    const coerced = coerce(spec, text);
    if ("error" in coerced) problems.push(`--${spec.flag}: ${coerced.error}`);
    else set(spec, coerced.value);
  }
  const result = schema.safeParse(input);
  if (result.success && problems.length === 0) {
    return { help: false, input, args: result.data as Record<string, unknown> };
  }
  for (const issue of result.error?.issues ?? []) {
    const field = issue.path[0];
    const spec = flags.find((f) => f.field === field);
    // A flag whose text could not be coerced was reported already.
    if (spec !== undefined && problems.some((p) => p.startsWith(`--${spec.flag}:`))) continue;
    const label = spec === undefined ? "arguments" : `--${spec.flag}`;
    const value = spec === undefined ? undefined : input[spec.field];
    problems.push(
      value === undefined && issue.code === "invalid_type"
        ? `${label}: required (${spec?.description ?? "missing"})`
        : `${label}: ${issue.message}${formatValue(value)}`,
    );
  }
  const display = options.display ?? "mcpx exec <skill>";
  throw new SkillError(
    "INVALID_ARGUMENTS",
    `${problems.join("\n")}\nRun "${display} --help" for its flags.`,
    { data: { problems } },
  );
}
