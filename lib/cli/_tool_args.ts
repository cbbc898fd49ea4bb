/**
 * `key=value` words of `mcpx call`, turned into tool arguments by the tool's input schema: a
 * value stays text where the schema says string (`message=123` is "123"), becomes a number,
 * boolean, array or object where it says so, and is read from a file with `key=@path`.
 *
 * @module
 */
import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { didYouMean } from "../client/_suggest.ts";

/** One `key=value` word, split. */
export interface KeyValue {
  /** The argument name. */
  readonly key: string;
  /** The value as typed, or the file's text for `key=@path`. */
  readonly text: string;
}

/**
 * Splits `key=value` words; `key=@path` reads the file (relative to `cwd`), `key=@@x` is the
 * literal text `@x`.
 */
export async function readKeyValues(words: readonly string[], cwd: string): Promise<KeyValue[]> {
  const pairs: KeyValue[] = [];
  for (const word of words) {
    const at = word.indexOf("=");
    if (at <= 0) {
      throw new UsageError(
        `mcpx call: expected key=value, got "${word}". Quote values with spaces: key="a b".`,
      );
    }
    const key = word.slice(0, at);
    const raw = word.slice(at + 1);
    if (raw.startsWith("@@")) {
      pairs.push({ key, text: raw.slice(1) });
    } else if (raw.startsWith("@")) {
      const path = resolve(cwd, raw.slice(1));
      try {
        pairs.push({ key, text: await Deno.readTextFile(path) });
      } catch (cause) {
        throw new UsageError(
          `mcpx call: cannot read ${key}=@${raw.slice(1)} (${path}): ${(cause as Error).message}` +
            ` (write key=@@text for a value that starts with "@").`,
          { cause },
        );
      }
    } else {
      pairs.push({ key, text: raw });
    }
  }
  return pairs;
}

type Schema = Record<string, unknown>;

/** The JSON Schema types a property allows (`type`, or the types of its `anyOf`/`oneOf`). */
function typesOf(schema: unknown): Set<string> {
  const types = new Set<string>();
  if (typeof schema !== "object" || schema === null) return types;
  const s = schema as Schema;
  if (typeof s.type === "string") types.add(s.type);
  if (Array.isArray(s.type)) { for (const t of s.type) if (typeof t === "string") types.add(t); }
  for (const key of ["anyOf", "oneOf"]) {
    const options = s[key];
    if (Array.isArray(options)) {
      for (const option of options) typesOf(option).forEach((t) => types.add(t));
    }
  }
  if (types.size === 0 && Array.isArray(s.enum)) {
    for (const value of s.enum) types.add(typeof value === "string" ? "string" : "json");
  }
  return types;
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** One value coerced to what the property's schema allows; JSON-or-text when it says nothing. */
export function coerceValue(text: string, propertySchema: unknown): unknown {
  const types = typesOf(propertySchema);
  const json = parseJson(text);
  if (types.size === 0) return json === undefined ? text : json.value;
  if ((types.has("number") || types.has("integer")) && text.trim() !== "") {
    const number = Number(text);
    if (Number.isFinite(number) && (types.has("number") || Number.isInteger(number))) return number;
  }
  if (types.has("boolean") && (text === "true" || text === "false")) return text === "true";
  if (types.has("null") && text === "null") return null;
  if ((types.has("array") || types.has("object")) && json !== undefined) {
    const value = json.value;
    if (Array.isArray(value) ? types.has("array") : typeof value === "object" && value !== null) {
      return value;
    }
  }
  if (types.has("array") && !types.has("string")) {
    // a,b,c for an array of strings or numbers, as shells make JSON awkward.
    const items = typesOf((propertySchema as Schema).items);
    return text.split(",").map((item) => coerceValue(item.trim(), { type: [...items] }));
  }
  // The schema allows text (or nothing the value fits): send the text; the server says why not.
  return text;
}

/** What {@linkcode coerceArguments} made of the words. */
export interface CoercedArguments {
  /** The tool arguments. */
  readonly args: Record<string, unknown>;
  /** One warning per argument the tool does not declare (with "did you mean"). */
  readonly warnings: string[];
}

/**
 * Turns `pairs` into tool arguments by `inputSchema` (a tool's JSON Schema); `base` (from
 * `--args`) is kept as given and overridden by the pairs. Undeclared names are sent anyway, with
 * a warning, unless the schema declares no properties at all.
 */
export function coerceArguments(
  pairs: readonly KeyValue[],
  inputSchema: unknown,
  options: { tool: string; base?: Record<string, unknown> },
): CoercedArguments {
  const schema =
    (typeof inputSchema === "object" && inputSchema !== null ? inputSchema : {}) as Schema;
  const properties =
    (typeof schema.properties === "object" && schema.properties !== null
      ? schema.properties
      : {}) as Record<string, unknown>;
  const declared = Object.keys(properties);
  const args: Record<string, unknown> = { ...options.base };
  for (const { key, text } of pairs) args[key] = coerceValue(text, properties[key]);
  const warnings = declared.length === 0 ? [] : Object.keys(args)
    .filter((key) => !Object.hasOwn(properties, key))
    .map((key) =>
      `tool "${options.tool}" does not declare argument "${key}"; sent anyway.` +
      `${didYouMean(key, declared)} Its arguments: ${declared.join(", ")}.`
    );
  return { args, warnings };
}
