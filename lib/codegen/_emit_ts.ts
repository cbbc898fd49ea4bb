/**
 * JSON Schema -> TypeScript type text. Our own emitter (not quicktype) so that the input types
 * match the emitted zod schemas exactly, keep descriptions and defaults as JSDoc, and come out
 * in the server's property order.
 *
 * @module
 */
import { propertyKey } from "./names.ts";
import {
  isObjectSchema,
  isSchemaObject,
  jsdocText,
  type JsonSchema,
  literal,
  propertyEntries,
  requiredSet,
  schemaList,
  type SchemaObject,
  type SchemaScope,
  typeList,
} from "./_schema.ts";

const pad = (depth: number) => "  ".repeat(depth);

function union(members: string[]): string {
  const unique = [...new Set(members)];
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 0 ? "never" : unique.join(" | ");
}

/** Whether `type` has a `|` or `&` outside braces, brackets, parentheses and strings. */
function hasTopLevelOperator(type: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "{" || c === "(" || c === "[" || c === "<") depth++;
    else if (c === "}" || c === ")" || c === "]" || c === ">") depth--;
    else if ((c === "|" || c === "&") && depth === 0) return true;
  }
  return false;
}

function wrap(type: string): string {
  return hasTopLevelOperator(type) ? `(${type})` : type;
}

/** JSDoc lines for a property or type: description, `@default`, `@deprecated`. */
export function docLines(schema: JsonSchema): string[] {
  if (!isSchemaObject(schema)) return [];
  const lines: string[] = [];
  const text = typeof schema.description === "string"
    ? schema.description
    : typeof schema.title === "string"
    ? schema.title
    : "";
  if (text.trim() !== "") lines.push(...jsdocText(text).split("\n"));
  if ("default" in schema) lines.push(`@default ${jsdocText(JSON.stringify(schema.default))}`);
  if (schema.deprecated === true) lines.push("@deprecated");
  return lines;
}

/** Renders JSDoc lines as a block at `depth`, or nothing. */
export function docBlock(lines: string[], depth: number): string {
  if (lines.length === 0) return "";
  if (lines.length === 1) return `${pad(depth)}/** ${lines[0]} */\n`;
  const body = lines.map((line) => `${pad(depth)} *${line === "" ? "" : ` ${line}`}`).join("\n");
  return `${pad(depth)}/**\n${body}\n${pad(depth)} */\n`;
}

/** The members of an object type, one per line, each with its JSDoc, at `depth`. */
export function objectMembers(schema: SchemaObject, scope: SchemaScope, depth: number): string {
  const required = requiredSet(schema);
  let out = "";
  for (const [key, property] of propertyEntries(schema)) {
    out += docBlock(docLines(property), depth);
    const optional = required.has(key) ? "" : "?";
    out += `${pad(depth)}${propertyKey(key)}${optional}: ${tsType(property, scope, depth)};\n`;
  }
  const extra = schema.additionalProperties;
  if (out !== "" && extra !== undefined && extra !== false && extra !== true) {
    out += `${pad(depth)}[key: string]: unknown;\n`;
  }
  return out;
}

function objectType(schema: SchemaObject, scope: SchemaScope, depth: number): string {
  const members = objectMembers(schema, scope, depth + 1);
  const extra = schema.additionalProperties;
  if (members === "") {
    if (extra === false) return "Record<string, never>";
    const value = extra === undefined || extra === true
      ? "unknown"
      : tsType(extra as JsonSchema, scope, depth);
    return `Record<string, ${value}>`;
  }
  return `{\n${members}${pad(depth)}}`;
}

function typeOf(name: string, schema: SchemaObject, scope: SchemaScope, depth: number): string {
  switch (name) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const items = schema.items;
      const tuple = Array.isArray(schema.prefixItems)
        ? schemaList(schema, "prefixItems")
        : Array.isArray(items)
        ? schemaList(schema, "items")
        : undefined;
      if (tuple !== undefined) return `${wrap(union(tuple.map((s) => tsType(s, scope, depth))))}[]`;
      return `${
        wrap(items === undefined ? "unknown" : tsType(items as JsonSchema, scope, depth))
      }[]`;
    }
    case "object":
      return objectType(schema, scope, depth);
    default:
      return "unknown";
  }
}

/** The TypeScript type of `schema`; nested object literals are indented for `depth`. */
export function tsType(schema: JsonSchema, scope: SchemaScope, depth = 0): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  const nullable = schema.nullable === true ? " | null" : "";
  if (typeof schema.$ref === "string") {
    const def = scope.resolve(schema.$ref);
    return (def?.name ?? "unknown") + nullable;
  }
  if ("const" in schema) return (literal(schema.const) ?? "unknown") + nullable;
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.map(literal);
    return values.some((v) => v === undefined) ? "unknown" : union(values as string[]) + nullable;
  }
  const parts: string[] = [];
  const types = typeList(schema);
  if (types.length > 0) {
    parts.push(union(types.map((t) => typeOf(t, schema, scope, depth))));
  } else if (isObjectSchema(schema)) {
    parts.push(objectType(schema, scope, depth));
  } else if ("items" in schema || "prefixItems" in schema) {
    parts.push(typeOf("array", schema, scope, depth));
  }
  const alternatives = [...schemaList(schema, "anyOf"), ...schemaList(schema, "oneOf")];
  if (alternatives.length > 0) {
    parts.push(union(alternatives.map((s) => wrap(tsType(s, scope, depth)))));
  }
  for (const member of schemaList(schema, "allOf")) parts.push(tsType(member, scope, depth));
  const meaningful = parts.filter((p) => p !== "unknown");
  if (meaningful.length === 0) return "unknown";
  const type = meaningful.length === 1
    ? meaningful[0] ?? "unknown"
    : meaningful.map(wrap).join(" & ");
  return type + nullable;
}
