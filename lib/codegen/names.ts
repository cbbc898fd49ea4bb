/**
 * Identifier and file names for generated wrappers. Tool names from MCP servers may contain
 * dashes, dots, spaces, reserved words or leading digits; these helpers turn them into valid,
 * readable, deterministic TypeScript names and resolve collisions with numeric suffixes.
 *
 * @module
 */

/** Words that cannot (or should not) be used as a generated function or constant name. */
const RESERVED: ReadonlySet<string> = new Set([
  "abstract",
  "any",
  "arguments",
  "as",
  "async",
  "await",
  "bigint",
  "boolean",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "constructor",
  "continue",
  "debugger",
  "declare",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "eval",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "from",
  "function",
  "get",
  "globalThis",
  "if",
  "implements",
  "import",
  "in",
  "Infinity",
  "instanceof",
  "interface",
  "let",
  "NaN",
  "never",
  "new",
  "null",
  "number",
  "object",
  "of",
  "package",
  "private",
  "protected",
  "public",
  "require",
  "return",
  "set",
  "static",
  "string",
  "super",
  "switch",
  "symbol",
  "this",
  "throw",
  "true",
  "try",
  "type",
  "typeof",
  "undefined",
  "unknown",
  "var",
  "void",
  "while",
  "with",
  "yield",
  // Names every generated tool file imports.
  "z",
  "callTool",
]); // deno-fmt-ignore

/** File base names the generator writes itself. */
const RESERVED_FILES: ReadonlySet<string> = new Set([
  "index",
  "discovered_types",
  "readme",
  "index_md",
  "_runtime",
]);

/** Splits a name into words at non-alphanumerics and lower-to-upper case boundaries. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * `get-tiny_image.v2` -> `getTinyImageV2`. Words keep their inner case except the first word,
 * which is lower-cased; a leading digit gets the prefix `tool`; an empty result is `tool`.
 *
 * @example
 * ```ts
 * import { toCamelCase } from "./names.ts";
 * console.assert(toCamelCase("get-tiny-image") === "getTinyImage");
 * ```
 */
export function toCamelCase(name: string): string {
  const parts = words(name);
  if (parts.length === 0) return "tool";
  const [first = "", ...rest] = parts;
  const camel = first.toLowerCase() + rest.map(capitalize).join("");
  return /^[0-9]/.test(camel) ? `tool${capitalize(camel)}` : camel;
}

/**
 * `get-tiny-image` -> `GetTinyImage` (see {@linkcode toCamelCase}).
 *
 * @example
 * ```ts
 * import { toPascalCase } from "./names.ts";
 * console.assert(toPascalCase("read_text_file") === "ReadTextFile");
 * ```
 */
export function toPascalCase(name: string): string {
  return capitalize(toCamelCase(name));
}

/** `getTinyImage` or `get-tiny-image` -> `get_tiny_image`; never empty. */
export function toSnakeCase(name: string): string {
  const snake = words(name).map((word) => word.toLowerCase()).join("_");
  return snake.length === 0 ? "tool" : snake;
}

/** The names used for one tool in generated code. */
export interface ToolNames {
  /** The tool's name on its server. */
  readonly tool: string;
  /** The wrapper function, e.g. `getTinyImage`. */
  readonly fn: string;
  /** The prefix of its types, e.g. `GetTinyImage` (`GetTinyImageInput`, `…Output`). */
  readonly type: string;
  /** The file base name without extension, e.g. `get_tiny_image`. */
  readonly file: string;
}

/**
 * Assigns function, type and file names to every tool of one server. Tools are taken in
 * code-point order of their names; when a sanitized name is taken (or one of the names derived
 * from it, or its file name, case-insensitively), the later tool gets the suffix `2`, `3` …
 * The result is therefore independent of the order the server listed its tools in.
 *
 * @example
 * ```ts
 * import { assignToolNames } from "./names.ts";
 * const [a, b] = assignToolNames(["get-item", "get_item"]);
 * console.assert(a?.fn === "getItem" && b?.fn === "getItem2" && b?.file === "get_item_2");
 * ```
 */
export function assignToolNames(tools: readonly string[]): ToolNames[] {
  const taken = new Set<string>();
  const takenFiles = new Set<string>();
  const sorted = [...new Set(tools)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((tool) => {
    let base = toCamelCase(tool);
    if (RESERVED.has(base)) base = `${base}Tool`;
    let fileBase = toSnakeCase(tool);
    if (RESERVED_FILES.has(fileBase)) fileBase = `${fileBase}_tool`;
    for (let n = 1;; n++) {
      const fn = n === 1 ? base : `${base}${n}`;
      const type = capitalize(fn);
      const file = n === 1 ? fileBase : `${fileBase}_${n}`;
      const exported = [fn, `${type}Input`, `${type}Output`, `${fn}InputSchema`];
      if (exported.some((name) => taken.has(name)) || takenFiles.has(file.toLowerCase())) {
        continue;
      }
      for (const name of exported) taken.add(name);
      takenFiles.add(file.toLowerCase());
      return { tool, fn, type, file };
    }
  });
}

/** Whether `name` can be written as a bare property key / identifier. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/** A property key as written in an object literal or interface: bare when possible. */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}
