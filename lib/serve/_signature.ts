/**
 * A compact TypeScript signature for a tool, used by `search_tools` detail `full` when the code
 * generator's renderer is not wired in. It mirrors the generated wrapper's shape: a camelCase
 * function taking one object argument.
 *
 * @module
 */
import type { ToolInfo } from "../client/types.ts";

type Schema = Readonly<Record<string, unknown>>;

/** The wrapper function's name: the tool name in camelCase (`get-sum` -> `getSum`). */
export function wrapperName(tool: string): string {
  const words = tool.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const name = words
    .map((word, i) =>
      i === 0 ? word[0]!.toLowerCase() + word.slice(1) : word[0]!.toUpperCase() + word.slice(1)
    )
    .join("");
  return /^[A-Za-z_$]/.test(name) ? name : `_${name}`;
}

/** Renders `name(args: {...}): Promise<Output>` from the tool's schemas. */
export function renderSignature(tool: ToolInfo, name: string = wrapperName(tool.name)): string {
  const input = typeOf(tool.inputSchema, 0);
  const output = tool.outputSchema === undefined ? "unknown" : typeOf(tool.outputSchema, 0);
  return `${name}(args: ${input}): Promise<${output}>`;
}

function typeOf(schema: unknown, depth: number): string {
  if (typeof schema !== "object" || schema === null) return "unknown";
  const s = schema as Schema;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in s) return JSON.stringify(s.const);
  const union = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (union !== undefined) return union.map((part) => typeOf(part, depth + 1)).join(" | ");
  if (Array.isArray(s.type)) {
    return s.type.map((type) => typeOf({ ...s, type }, depth)).join(" | ");
  }
  switch (s.type) {
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
      const item = typeOf(s.items, depth + 1);
      return item.includes(" ") ? `Array<${item}>` : `${item}[]`;
    }
    case "object":
      return objectOf(s, depth);
    default:
      return s.properties === undefined ? "unknown" : objectOf(s, depth);
  }
}

function objectOf(s: Schema, depth: number): string {
  const properties = s.properties as Record<string, unknown> | undefined;
  if (properties === undefined || Object.keys(properties).length === 0) {
    return "Record<string, unknown>";
  }
  if (depth >= 3) return "{ … }";
  const required = new Set(Array.isArray(s.required) ? s.required as string[] : []);
  const fields = Object.entries(properties).map(([key, value]) => {
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return `${name}${required.has(key) ? "" : "?"}: ${typeOf(value, depth + 1)}`;
  });
  return `{ ${fields.join("; ")} }`;
}
