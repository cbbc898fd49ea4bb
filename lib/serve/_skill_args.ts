/**
 * A skill's arguments as an agent sees them: a JSON Schema (from the skill's zod `args`), shown
 * by `get_skill` and checked by `run_skill` before anything runs, so that every problem is
 * named by its JSON key (`"topik" is not an argument of skill fetch; did you mean "topic"?`),
 * never by a CLI flag. The schema is read in a child with no permission at all (the skill's
 * top-level code runs there, as in the harness's own inspection) and kept per file version.
 * The harness validates the arguments again: this check is for the wording, not for safety.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { McpxError, SkillError } from "../errors.ts";
import { nearestName } from "../client/_suggest.ts";
import type { ArgumentsReport } from "./_skill_args_child.ts";
import { runPermissionlessChild } from "../skills/_permissionless_child.ts";

/** A skill's arguments: its JSON Schema and top-level keys; `undefined` for a plain script. */
export interface SkillArguments {
  /** The JSON Schema of `run_skill`'s `args` (an object schema). */
  readonly schema: Record<string, unknown>;
  /** The top-level argument keys, in declaration order. */
  readonly fields: readonly string[];
}

const CHILD = new URL("./_skill_args_child.ts", import.meta.url).href;
const OWN_CONFIG = new URL("../../deno.json", import.meta.url);
const cache = new Map<string, Promise<SkillArguments | undefined>>();

function isFile(path: string | URL): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Reads the arguments of the skill at `file` (absolute) in a permission-less child run in
 * `root`; `undefined` when the file is a plain script. Kept until the file changes.
 */
export async function readSkillArguments(
  file: string,
  root: string,
): Promise<SkillArguments | undefined> {
  const info = await Deno.stat(file);
  const key = `${file}\0${info.mtime?.getTime()}\0${info.size}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = inspect(file, root);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  return await entry;
}

async function inspect(file: string, root: string): Promise<SkillArguments | undefined> {
  const marker = `@@mcpx-args-${crypto.randomUUID()}@@`;
  const local = resolve(root, "deno.json");
  const config = isFile(local) ? local : isFile(OWN_CONFIG) ? OWN_CONFIG.pathname : undefined;
  const entry = `import * as skill from ${JSON.stringify(pathToFileURL(file).href)};\n` +
    `import { reportArguments } from ${JSON.stringify(CHILD)};\n` +
    `reportArguments(skill, ${JSON.stringify(marker)});\n`;
  const output = await runPermissionlessChild(
    `data:application/javascript;base64,${btoa(entry)}`,
    [],
    { cwd: root, configPath: config, signal: AbortSignal.timeout(30_000) },
  );
  const line = new TextDecoder().decode(output.stdout).split("\n").find((l) =>
    l.startsWith(marker)
  );
  if (line === undefined) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n")[0] ?? "";
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot load ${file} without permissions (${stderr.replace(/^error:\s*/, "")}).`,
    );
  }
  const report = JSON.parse(line.slice(marker.length)) as ArgumentsReport;
  if (report.kind === "script") return undefined;
  if (report.kind === "error") {
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot read the arguments of ${file}: ${report.message}.`,
    );
  }
  const { $schema: _, ...schema } = report.schema;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return { schema: tidy(schema) as Record<string, unknown>, fields: Object.keys(properties) };
}

/** Drops zod's safe-integer bounds, which say nothing to a reader and cost tokens. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (
      (key === "maximum" || key === "minimum") &&
      Math.abs(item as number) === Number.MAX_SAFE_INTEGER
    ) {
      continue;
    }
    out[key] = tidy(item);
  }
  return out;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const KINDS: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "an array",
  object: "an object",
};

function problem(issue: z.core.$ZodIssue, args: Record<string, unknown>, schema: SkillArguments) {
  const key = issue.path.map(String).join(".");
  const name = key === "" ? "args" : JSON.stringify(key);
  let value: unknown = args;
  for (const part of issue.path) value = (value as Record<PropertyKey, unknown>)?.[part];
  const properties = (schema.schema.properties ?? {}) as Record<string, { description?: string }>;
  if (issue.code === "invalid_type" && value === undefined) {
    const description = issue.path.length === 1 ? properties[key]?.description : undefined;
    return `${name} is required${description === undefined ? "" : ` (${description})`}.`;
  }
  if (issue.code === "invalid_type") {
    return `${name} must be ${KINDS[issue.expected] ?? issue.expected}, got ${describe(value)}.`;
  }
  if (issue.code === "invalid_value") {
    return `${name} must be one of ${issue.values.map(describe).join(", ")}, got ${
      describe(value)
    }.`;
  }
  return `${name}: ${issue.message.replace(/\.$/, "")}, got ${describe(value)}.`;
}

/**
 * Checks `args` against the skill's schema. Throws `McpxError` (`INVALID_ARGUMENTS`) with one
 * sentence per problem, each naming the JSON key, and what to do.
 *
 * @example
 * ```ts
 * import { checkSkillArgs } from "./_skill_args.ts";
 * const schema = { type: "object", properties: { topic: { type: "string" } } };
 * try {
 *   checkSkillArgs("fetch", { schema, fields: ["topic"] }, { topik: "x" });
 * } catch (error) {
 *   console.assert(String(error).includes('"topik" is not an argument of skill fetch'));
 * }
 * ```
 */
export function checkSkillArgs(
  skill: string,
  spec: SkillArguments,
  args: Record<string, unknown>,
): void {
  const problems: string[] = [];
  for (const key of Object.keys(args)) {
    if (spec.fields.includes(key)) continue;
    const guess = nearestName(key, spec.fields);
    problems.push(
      `${JSON.stringify(key)} is not an argument of skill ${skill}; ` +
        (guess === undefined
          ? `its arguments are ${spec.fields.map((f) => JSON.stringify(f)).join(", ") || "none"}.`
          : `did you mean ${JSON.stringify(guess)}?`),
    );
  }
  const known = Object.fromEntries(Object.entries(args).filter(([k]) => spec.fields.includes(k)));
  const result = z.fromJSONSchema(spec.schema as z.core.JSONSchema.JSONSchema).safeParse(known);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(problem(issue, known, spec));
  }
  if (problems.length > 0) {
    throw new McpxError(
      "INVALID_ARGUMENTS",
      `${problems.join(" ")} Call get_skill to see its arguments.`,
      { data: { problems } },
    );
  }
}

type PropertySchema = { type?: string; items?: { type?: string } };

function coerceExample(text: string, schema: PropertySchema | undefined): unknown {
  const type = schema?.type === "array" ? schema.items?.type : schema?.type;
  if ((type === "number" || type === "integer") && text.trim() !== "" && !isNaN(Number(text))) {
    return Number(text);
  }
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/**
 * Rewrites a USAGE header's command lines (`mcpx exec skills/add.ts --a 2`, `deno task exec …`)
 * into the `run_skill` call an agent makes: `run_skill {"name":"add","args":{"a":2}}`.
 *
 * @example
 * ```ts
 * import { exampleCalls } from "./_skill_args.ts";
 * const spec = { schema: { properties: { a: { type: "number" } } }, fields: ["a"] };
 * const text = exampleCalls("Example: mcpx exec skills/add.ts --a 2", "add", spec);
 * console.assert(text === 'Example: run_skill {"name":"add","args":{"a":2}}');
 * ```
 */
export function exampleCalls(usage: string, skill: string, spec: SkillArguments): string {
  const properties = (spec.schema.properties ?? {}) as Record<string, PropertySchema>;
  const byFlag = new Map(
    spec.fields.map((f) => [f.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase(), f]),
  );
  return usage.replace(
    /(?:deno task exec|mcpx exec)\s+\S*?\.ts((?:[ \t]+(?:"[^"]*"|'[^']*'|\S+))*)/g,
    (_line, rest: string) => {
      const words = [...rest.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) =>
        m[1] ?? m[2] ?? m[3]!
      );
      const args: Record<string, unknown> = {};
      for (let i = 0; i < words.length; i++) {
        const [flag, inline] = words[i]!.replace(/^--/, "").split(/=(.*)/s) as [string, string?];
        const field = byFlag.get(flag) ?? flag;
        const schema = properties[field];
        const next = words[i + 1];
        let value: unknown;
        if (inline !== undefined) value = coerceExample(inline, schema);
        else if (schema?.type === "boolean" || next === undefined || next.startsWith("--")) {
          value = true;
        } else value = coerceExample(words[++i]!, schema);
        if (schema?.type === "array") ((args[field] ??= []) as unknown[]).push(value);
        else args[field] = value;
      }
      return `run_skill ${JSON.stringify({ name: skill, args })}`;
    },
  );
}
