/**
 * JSON Schema -> zod 4 source text, mirroring `_emit_ts.ts` keyword for keyword so that the
 * schema validating a wrapper's input accepts exactly what its input type describes (plus the
 * runtime-only constraints: lengths, ranges, integers, unexpected keys).
 *
 * We emit zod code rather than call `z.fromJSONSchema` at run time: the code is readable in the
 * generated file, costs nothing to start, and does not depend on that function's coverage.
 *
 * @module
 */
import { propertyKey } from "./names.ts";
import {
  isObjectSchema,
  type JsonSchema,
  literal,
  propertyEntries,
  requiredSet,
  schemaList,
  type SchemaObject,
  type SchemaScope,
  typeList,
} from "./_schema.ts";

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function unionOf(members: string[]): string {
  const unique = [...new Set(members)];
  if (unique.includes("z.unknown()")) return "z.unknown()";
  if (unique.length === 0) return "z.never()";
  return unique.length === 1 ? unique[0] ?? "z.never()" : `z.union([${unique.join(", ")}])`;
}

function checks(pairs: [string, number | undefined][]): string {
  return pairs.filter(([, v]) => v !== undefined).map(([method, v]) => `.${method}(${v})`)
    .join("");
}

function numberChecks(schema: SchemaObject): string {
  // Draft 4 spells exclusive bounds as booleans next to minimum/maximum.
  const exclusiveMin = schema.exclusiveMinimum === true
    ? num(schema.minimum)
    : num(schema.exclusiveMinimum);
  const exclusiveMax = schema.exclusiveMaximum === true
    ? num(schema.maximum)
    : num(schema.exclusiveMaximum);
  return checks([
    ["min", schema.exclusiveMinimum === true ? undefined : num(schema.minimum)],
    ["max", schema.exclusiveMaximum === true ? undefined : num(schema.maximum)],
    ["gt", exclusiveMin],
    ["lt", exclusiveMax],
    ["multipleOf", num(schema.multipleOf)],
  ]);
}

const pad = (depth: number) => "  ".repeat(depth);

/** `{ a: x, b: y }` on one line when short, else one property per line at `depth + 1`. */
function shape(entries: string[], depth: number): string {
  if (entries.length === 0) return "{}";
  const flat = `{ ${entries.join(", ")} }`;
  if (flat.length <= 60 && !flat.includes("\n")) return flat;
  return `{\n${entries.map((e) => `${pad(depth + 1)}${e},\n`).join("")}${pad(depth)}}`;
}

function objectZod(schema: SchemaObject, scope: SchemaScope, depth: number): string {
  const required = requiredSet(schema);
  const entries = propertyEntries(schema).map(([key, property]) => {
    const value = zodExpr(property, scope, depth + 1);
    // `__proto__: x` in an object literal sets the prototype; the computed form is a property.
    const name = key === "__proto__" ? '["__proto__"]' : propertyKey(key);
    return `${name}: ${value}${required.has(key) ? "" : ".optional()"}`;
  });
  const extra = schema.additionalProperties;
  const extraZod = extra === undefined || extra === true || extra === false
    ? undefined
    : zodExpr(extra as JsonSchema, scope, depth);
  if (entries.length === 0 && extra !== false) {
    return `z.record(z.string(), ${extraZod ?? "z.unknown()"})`;
  }
  const body = shape(entries, depth);
  if (extra === false) return `z.strictObject(${body})`;
  return extraZod === undefined ? `z.object(${body})` : `z.object(${body}).catchall(${extraZod})`;
}

function typeZod(name: string, schema: SchemaObject, scope: SchemaScope, depth: number): string {
  switch (name) {
    case "string":
      return `z.string()${
        checks([["min", num(schema.minLength)], ["max", num(schema.maxLength)]])
      }`;
    case "integer":
      return `z.number().int()${numberChecks(schema)}`;
    case "number":
      return `z.number()${numberChecks(schema)}`;
    case "boolean":
      return "z.boolean()";
    case "null":
      return "z.null()";
    case "array": {
      const items = schema.items;
      const tuple = Array.isArray(schema.prefixItems)
        ? schemaList(schema, "prefixItems")
        : Array.isArray(items)
        ? schemaList(schema, "items")
        : undefined;
      const item = tuple !== undefined
        ? unionOf(tuple.map((s) => zodExpr(s, scope, depth)))
        : items === undefined
        ? "z.unknown()"
        : zodExpr(items as JsonSchema, scope, depth);
      const bounds = checks([["min", num(schema.minItems)], ["max", num(schema.maxItems)]]);
      return `z.array(${item})${bounds}`;
    }
    case "object":
      return objectZod(schema, scope, depth);
    default:
      return "z.unknown()";
  }
}

function enumZod(values: unknown[]): string {
  if (values.length === 0) return "z.never()";
  if (values.some((v) => literal(v) === undefined)) return "z.unknown()";
  if (values.every((v) => typeof v === "string")) {
    return `z.enum([${values.map((v) => JSON.stringify(v)).join(", ")}])`;
  }
  const literals = values.map((v) => literal(v) as string);
  return literals.length === 1
    ? `z.literal(${literals[0]})`
    : `z.literal([${literals.join(", ")}])`;
}

/** The zod expression validating `schema`; long object shapes are indented for `depth`. */
export function zodExpr(schema: JsonSchema, scope: SchemaScope, depth = 0): string {
  if (schema === true) return "z.unknown()";
  if (schema === false) return "z.never()";
  const nullable = schema.nullable === true ? ".nullable()" : "";
  if (typeof schema.$ref === "string") {
    return (scope.resolve(schema.$ref)?.zodName ?? "z.unknown()") + nullable;
  }
  if ("const" in schema) {
    const value = literal(schema.const);
    return (value === undefined ? "z.unknown()" : `z.literal(${value})`) + nullable;
  }
  if (Array.isArray(schema.enum)) return enumZod(schema.enum) + nullable;
  const parts: string[] = [];
  const types = typeList(schema);
  if (types.length > 0) {
    parts.push(unionOf(types.map((t) => typeZod(t, schema, scope, depth))));
  } else if (isObjectSchema(schema)) {
    parts.push(objectZod(schema, scope, depth));
  } else if ("items" in schema || "prefixItems" in schema) {
    parts.push(typeZod("array", schema, scope, depth));
  }
  const alternatives = [...schemaList(schema, "anyOf"), ...schemaList(schema, "oneOf")];
  if (alternatives.length > 0) {
    parts.push(unionOf(alternatives.map((s) => zodExpr(s, scope, depth))));
  }
  for (const member of schemaList(schema, "allOf")) parts.push(zodExpr(member, scope, depth));
  const meaningful = parts.filter((p) => p !== "z.unknown()");
  if (meaningful.length === 0) return "z.unknown()";
  const [first = "z.unknown()", ...rest] = meaningful;
  return rest.reduce((acc, part) => `z.intersection(${acc}, ${part})`, first) + nullable;
}
