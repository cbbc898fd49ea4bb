/**
 * `mcpx discover --draft`: classifies tools as safe, dangerous or unknown, and synthesizes
 * sample arguments from input schemas. Nothing is called while drafting.
 *
 * @module
 */
import type { ToolCaller } from "../client/types.ts";
import type { ToolInfo } from "../client/types.ts";
import type { JsonSchema } from "./json_schema.ts";
import {
  isSchemaObject,
  propertyEntries,
  requiredSet,
  type SchemaObject,
  typeList,
} from "./_schema.ts";

/** How risky calling a tool looks. */
export type ToolSafety = "safe" | "dangerous" | "unknown";

const DANGEROUS =
  /\b(delete|remove|rm|drop|destroy|kill|write|create|update|edit|patch|move|rename|set|put|post|send|exec|execute|run|insert|upload|modify|add|toggle|trigger|reset|clear|purge|truncate|commit|push|merge|deploy|install|uninstall|start|stop|restart|cancel|approve|close|archive|publish|invoke|pay|transfer|gzip|compress|save)\b/;
const SAFE =
  /\b(get|list|read|search|find|query|fetch|show|describe|view|count|echo|lookup|status|info|stat|head|tail|inspect|open|sum|print|diff|log|logs|tree)\b/;

/** Lower-cased words of a tool name (`get-fileInfo` -> `get file info`). */
function nameWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[^A-Za-z0-9]+/g, " ").toLowerCase();
}

/**
 * Classifies a tool. `dangerous` when its annotations say `destructiveHint: true` or its name
 * has a mutating verb (delete, write, create, move, send …); `safe` when `readOnlyHint: true`
 * or its name has a reading verb (get, list, read, search …) and nothing dangerous; `unknown`
 * otherwise. The description is only used to turn `safe` into `dangerous`, never the reverse.
 *
 * @example
 * ```ts
 * import { classifyTool } from "./draft.ts";
 * console.assert(classifyTool({ name: "read_file", inputSchema: {} }) === "safe");
 * console.assert(classifyTool({ name: "delete_entities", inputSchema: {} }) === "dangerous");
 * ```
 */
export function classifyTool(tool: ToolInfo): ToolSafety {
  const annotations = tool.annotations ?? {};
  const words = nameWords(tool.name);
  if (annotations.destructiveHint === true || DANGEROUS.test(words)) return "dangerous";
  const safe = annotations.readOnlyHint === true || SAFE.test(words);
  if (!safe) return "unknown";
  const description = (tool.description ?? "").toLowerCase();
  return /\b(deletes?|removes?|overwrites?|destroys?|modif(y|ies)|writes?)\b/.test(description) &&
      annotations.readOnlyHint !== true
    ? "dangerous"
    : "safe";
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#/")) return ref === "#" ? root : undefined;
  let target: unknown = root;
  for (const segment of ref.slice(2).split("/")) {
    if (!isSchemaObject(target)) return undefined;
    target = target[segment];
  }
  return typeof target === "boolean" || isSchemaObject(target) ? target : undefined;
}

function sample(root: JsonSchema, schema: JsonSchema, depth: number): unknown {
  if (!isSchemaObject(schema) || depth > 8) return null;
  if ("default" in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    return target === undefined ? null : sample(root, target, depth + 1);
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) {
      return sample(root, list[0] as JsonSchema, depth + 1);
    }
  }
  const type = typeList(schema).find((t) => t !== "null") ??
    (propertyEntries(schema).length > 0 ? "object" : "null");
  switch (type) {
    case "string":
      return "a".repeat(typeof schema.minLength === "number" ? schema.minLength : 0) || "example";
    case "integer":
    case "number": {
      const min = typeof schema.minimum === "number"
        ? schema.minimum
        : typeof schema.exclusiveMinimum === "number"
        ? schema.exclusiveMinimum + 1
        : 1;
      return type === "integer" ? Math.ceil(min) : min;
    }
    case "boolean":
      return false;
    case "array": {
      const count = typeof schema.minItems === "number" ? schema.minItems : 0;
      return Array.from(
        { length: count },
        () => sample(root, (schema.items ?? {}) as JsonSchema, depth + 1),
      );
    }
    case "object":
      return synthesizeObject(root, schema, depth);
    default:
      return null;
  }
}

/** A string property that names a path gets `"."`: the one path that exists everywhere. */
const PATH_NAME = /(^|_|-|[a-z])(path|dir|directory|folder|root)s?$/i;

function synthesizeObject(root: JsonSchema, schema: SchemaObject, depth: number) {
  const required = requiredSet(schema);
  const out: Record<string, unknown> = {};
  for (const [key, property] of propertyEntries(schema)) {
    if (!required.has(key)) continue;
    const value = sample(root, property, depth + 1);
    out[key] = value === "example" && PATH_NAME.test(key)
      ? "."
      : Array.isArray(value) && PATH_NAME.test(key)
      ? value.map((item) => (item === "example" ? "." : item))
      : value;
  }
  return out;
}

/**
 * Minimal arguments for a tool: every required property, from its `default`, first `examples`
 * entry, `const`, first `enum` value, else the smallest value of its type (`"example"`, or
 * `"."` for a property named like a path; the minimum or 1; `false`; `[]`; nested required
 * properties). Optional properties are left out.
 *
 * @example
 * ```ts
 * import { synthesizeArguments } from "./draft.ts";
 * const args = synthesizeArguments({ type: "object", required: ["a", "b"],
 *   properties: { a: { type: "number" }, b: { enum: ["x", "y"] }, c: { type: "string" } } });
 * console.assert(JSON.stringify(args) === '{"a":1,"b":"x"}');
 * ```
 */
export function synthesizeArguments(inputSchema: JsonSchema): Record<string, unknown> {
  return isSchemaObject(inputSchema) ? synthesizeObject(inputSchema, inputSchema, 0) : {};
}

/** One server's part of a draft `discovery_config.json`. */
export interface DraftServer {
  /** Safe tools with synthesized arguments. */
  readonly safeTools: Record<string, Record<string, unknown>>;
  /** Tools left out, for a human to review: `failed` holds safe tools whose trial call with the
   * synthesized arguments failed (see {@linkcode trialDraft}), with the arguments and error. */
  readonly skipped: {
    readonly dangerous: string[];
    readonly unknown: string[];
    failed?: Record<string, { arguments: Record<string, unknown>; error: string }>;
  };
}

/** Drafts the `discovery_config.json` content for the given servers' tools. */
export function draftDiscoveryConfig(
  toolsByServer: Readonly<Record<string, readonly ToolInfo[]>>,
): { servers: Record<string, DraftServer> } {
  const servers: Record<string, DraftServer> = {};
  for (const server of Object.keys(toolsByServer).sort()) {
    const entry: DraftServer = { safeTools: {}, skipped: { dangerous: [], unknown: [] } };
    const tools = [...(toolsByServer[server] ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const tool of tools) {
      const safety = classifyTool(tool);
      if (safety === "safe") entry.safeTools[tool.name] = synthesizeArguments(tool.inputSchema);
      else entry.skipped[safety].push(tool.name);
    }
    servers[server] = entry;
  }
  return { servers };
}

/**
 * Tries every safe call of a draft once (they are safe by classification, so trying them is what
 * `mcpx discover` would do anyway) and moves each one that fails to `skipped.failed` with its
 * error, so that the drafted config works the first time. Tools that are not safe are never
 * called: they are not in `safeTools`.
 */
export async function trialDraft(
  draft: { servers: Record<string, DraftServer> },
  caller: Pick<ToolCaller, "callTool">,
  options: { timeoutMs?: number; onResult?: (line: string) => void } = {},
): Promise<void> {
  await Promise.all(
    Object.entries(draft.servers).map(async ([server, entry]) => {
      for (const [tool, args] of Object.entries(entry.safeTools)) {
        try {
          await caller.callTool(server, tool, args, { timeoutMs: options.timeoutMs ?? 15_000 });
          options.onResult?.(`${server}.${tool}: ok`);
        } catch (error) {
          const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
          delete entry.safeTools[tool];
          (entry.skipped.failed ??= {})[tool] = { arguments: args, error: message };
          options.onResult?.(`${server}.${tool}: left out (${message})`);
        }
      }
    }),
  );
}
