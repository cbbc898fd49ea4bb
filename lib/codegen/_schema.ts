/**
 * Shared JSON Schema plumbing for the type and zod emitters: the schema shape, local `$ref`
 * resolution, and the registry of named definitions one generated file declares.
 *
 * @module
 */

import type { JsonSchema } from "./json_schema.ts";

export type { JsonSchema };

/** A schema object (boolean schemas excluded). */
export type SchemaObject = { readonly [key: string]: unknown };

/** Whether `value` is a schema object. */
export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `value` as a schema, or `undefined` when it is none. */
export function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === "boolean" || isSchemaObject(value) ? value : undefined;
}

/** A schema's subschemas under `key` when it is an array of schemas. */
export function schemaList(schema: SchemaObject, key: string): JsonSchema[] {
  const value = schema[key];
  if (!Array.isArray(value)) return [];
  return value.map(asSchema).filter((item): item is JsonSchema => item !== undefined);
}

/** The `type` keyword as a list (`[]` when absent). */
export function typeList(schema: SchemaObject): string[] {
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === "string");
  return [];
}

/** `properties` as ordered entries (the server's order is kept: it is usually meaningful). */
export function propertyEntries(schema: SchemaObject): [string, JsonSchema][] {
  const properties = schema.properties;
  if (!isSchemaObject(properties)) return [];
  return Object.entries(properties)
    .map(([key, value]): [string, JsonSchema | undefined] => [key, asSchema(value)])
    .filter((entry): entry is [string, JsonSchema] => entry[1] !== undefined);
}

/** The `required` names. */
export function requiredSet(schema: SchemaObject): Set<string> {
  const required = schema.required;
  return new Set(Array.isArray(required) ? required.filter((r) => typeof r === "string") : []);
}

/** Whether a schema describes an object (by `type`, or by having object keywords only). */
export function isObjectSchema(schema: SchemaObject): boolean {
  const types = typeList(schema);
  if (types.length > 0) return types.length === 1 && types[0] === "object";
  return "properties" in schema || "additionalProperties" in schema;
}

/** One named definition a generated file declares (from a local `$ref`). */
export interface NamedDef {
  /** Type name, e.g. `EchoNode`. */
  readonly name: string;
  /** The zod constant's name, e.g. `echoNodeSchema`. */
  readonly zodName: string;
  /** The definition's schema. */
  readonly schema: JsonSchema;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function pascal(word: string): string {
  const cleaned = word.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  return /^[0-9]/.test(cleaned) || cleaned.length === 0 ? `Def${cleaned}` : cleaned;
}

/**
 * Resolves local `$ref`s (`#`, `#/$defs/X`, `#/definitions/X`, any JSON pointer) within one root
 * schema and gives each target a unique name in the file (`<Prefix><Def>`). `#` is the root
 * itself and maps to the root's own names.
 */
export class SchemaScope {
  readonly #root: JsonSchema;
  readonly #prefix: string;
  readonly #rootNames: { name: string; zodName: string };
  readonly #taken: Set<string>;
  readonly #byPointer = new Map<string, NamedDef>();
  /** Definitions in the order they were first referenced (deterministic). */
  readonly defs: NamedDef[] = [];

  /** `taken` is shared by every scope of one file so that names never clash. */
  constructor(
    root: JsonSchema,
    names: { prefix: string; rootName: string; rootZodName: string; taken: Set<string> },
  ) {
    this.#root = root;
    this.#prefix = names.prefix;
    this.#rootNames = { name: names.rootName, zodName: names.rootZodName };
    this.#taken = names.taken;
  }

  /** The def a `$ref` points at, or `undefined` for external or dangling references. */
  resolve(ref: string): NamedDef | { name: string; zodName: string } | undefined {
    if (ref === "#" || ref === "#/") return this.#rootNames;
    if (!ref.startsWith("#/")) return undefined;
    const known = this.#byPointer.get(ref);
    if (known !== undefined) return known;
    const segments = ref.slice(2).split("/").map((s) =>
      decodeURIComponent(s).replaceAll("~1", "/").replaceAll("~0", "~")
    );
    let target: unknown = this.#root;
    for (const segment of segments) {
      if (typeof target !== "object" || target === null) return undefined;
      target = (target as Record<string, unknown>)[segment];
    }
    const schema = asSchema(target);
    if (schema === undefined) return undefined;
    const base = `${this.#prefix}${pascal(segments.at(-1) ?? "Def")}`;
    let name = base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${n}`;
    this.#taken.add(name);
    const def = { name, zodName: `${lowerFirst(name)}Schema`, schema };
    this.#byPointer.set(ref, def);
    this.defs.push(def);
    return def;
  }
}

/** Escapes text for a JSDoc block (no `*\/` can close it early). */
export function jsdocText(text: string): string {
  return text.replaceAll("*/", "*\\/").replace(/\r\n?/g, "\n").trim();
}

/** A JSON value as a TypeScript/JavaScript literal, or `undefined` for non-primitives. */
export function literal(value: unknown): string | undefined {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "string") return JSON.stringify(value);
  return undefined;
}
