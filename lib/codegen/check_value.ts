/**
 * A small JSON Schema checker for drift detection: does a live value still match the schema
 * quicktype inferred? It understands what quicktype emits (`type`, `properties`, `required`,
 * `additionalProperties`, `items`, `anyOf`, `enum`, `const`, local `$ref`s into `definitions`).
 *
 * @module
 */
import { isSchemaObject, type SchemaObject } from "./_schema.ts";
import type { JsonSchema } from "./json_schema.ts";

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(type: string, value: unknown): boolean {
  const actual = typeName(value);
  return actual === type || (type === "number" && actual === "integer");
}

function resolve(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let target: unknown = root;
  for (const segment of ref.slice(2).split("/")) {
    if (!isSchemaObject(target)) return undefined;
    target = target[segment.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return typeof target === "boolean" || isSchemaObject(target) ? target : undefined;
}

function key(path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function check(root: JsonSchema, schema: JsonSchema, value: unknown, path: string, out: string[]) {
  if (schema === true) return;
  if (schema === false) {
    out.push(`${path}: not expected at all`);
    return;
  }
  if (typeof schema.$ref === "string") {
    const target = resolve(root, schema.$ref);
    if (target !== undefined) check(root, target, value, path, out);
    return;
  }
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[];
    const fits = options.some((option) => {
      const sub: string[] = [];
      check(root, option, value, path, sub);
      return sub.length === 0;
    });
    if (!fits) out.push(`${path}: ${typeName(value)} matches none of the discovered alternatives`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => v === value)) {
    out.push(`${path}: ${JSON.stringify(value)} is not one of the discovered values`);
    return;
  }
  const types = typeof schema.type === "string" ? [schema.type] : (schema.type ?? []) as string[];
  if (types.length > 0 && !types.some((t) => matchesType(t, value))) {
    out.push(`${path}: expected ${types.join(" | ")}, got ${typeName(value)}`);
    return;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => check(root, schema.items as JsonSchema, item, `${path}[${i}]`, out));
  }
  if (typeName(value) === "object") {
    checkObject(root, schema, value as Record<string, unknown>, path, out);
  }
}

function checkObject(
  root: JsonSchema,
  schema: SchemaObject,
  value: Record<string, unknown>,
  path: string,
  out: string[],
) {
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required as string[] : [];
  for (const name of required) {
    if (!(name in value)) out.push(`${key(path, name)}: missing (every sample had it)`);
  }
  for (const [name, item] of Object.entries(value)) {
    const sub = properties[name];
    if (sub !== undefined) check(root, sub as JsonSchema, item, key(path, name), out);
    else if (schema.additionalProperties === false) {
      out.push(`${key(path, name)}: new field, not in any sample`);
    } else if (isSchemaObject(schema.additionalProperties)) {
      check(root, schema.additionalProperties, item, key(path, name), out);
    }
  }
}

/**
 * Lists where `value` departs from `schema`, one line per finding (`$.a.b: expected string, got
 * number`); empty when it matches.
 *
 * @example
 * ```ts
 * import { checkValue } from "./check_value.ts";
 * const schema = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
 * console.assert(checkValue(schema, { n: "x" })[0] === "$.n: expected number, got string");
 * ```
 */
export function checkValue(schema: JsonSchema, value: unknown): string[] {
  const out: string[] = [];
  check(schema, schema, value, "$", out);
  return out;
}
