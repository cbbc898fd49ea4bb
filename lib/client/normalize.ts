/**
 * Field normalization: rewrites the keys of a tool's result value so that code sees one
 * consistent spelling, whatever casing the server's API happens to return (Azure DevOps, for
 * instance, documents `system.parent` but returns `System.Parent`). The strategy is chosen per
 * server in `mcp_config.json` (`"normalize"`).
 *
 * @module
 */
import type { NormalizeStrategy } from "../config/types.ts";
import type { ToolResult } from "./types.ts";

function capitalizeFirst(segment: string): string {
  return segment.charAt(0).toUpperCase() + segment.slice(1);
}

/** `system.parent` -> `System.Parent`, `microsoft.VSTS.common` -> `Microsoft.VSTS.Common`.
 * Keys without a dot are left alone: only namespaced (dotted) field names are rewritten. */
function pascalPrefix(key: string): string {
  if (!key.includes(".")) return key;
  return key.split(".").map(capitalizeFirst).join(".");
}

/** `created_at`, `created-at`, `CreatedAt` -> `createdAt`; each dotted segment on its own
 * (`System.Parent` -> `system.parent`). Keys that are entirely upper case (`ID`, `URL`) become
 * lower case. */
function camelCase(key: string): string {
  return key.split(".").map((segment) => {
    const parts = segment.split(/[_\-\s]+/).filter((part) => part.length > 0);
    if (parts.length === 0) return segment;
    return parts.map((part, i) => {
      const word = /^[A-Z0-9]+$/.test(part) ? part.toLowerCase() : part;
      return i === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : capitalizeFirst(word);
    }).join("");
  }).join(".");
}

function renamer(strategy: NormalizeStrategy): ((key: string) => string) | undefined {
  if (strategy === "none") return undefined;
  if (strategy === "camelCase") return camelCase;
  if (strategy === "pascal-prefix") return pascalPrefix;
  const exact = new Map(Object.entries(strategy.map));
  const folded = new Map(
    Object.entries(strategy.map).map(([from, to]) => [from.toLowerCase(), to]),
  );
  return (key) => exact.get(key) ?? folded.get(key.toLowerCase()) ?? key;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Defines an own property, so that a key such as `__proto__` stays data, not a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function walk(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value);
  // A key already in normalized form wins over another key that only normalizes to it, so
  // `{ "System.Id": 1, "system.id": 2 }` keeps 1 whatever the key order.
  for (const [key, item] of entries) {
    if (rename(key) !== key) continue;
    setOwn(out, key, walk(item, rename));
  }
  for (const [key, item] of entries) {
    const target = rename(key);
    if (target === key || Object.hasOwn(out, target)) continue;
    setOwn(out, target, walk(item, rename));
  }
  return out;
}

/**
 * Returns a copy of `value` whose object keys, at every depth and inside arrays, are rewritten
 * by `strategy`. The input is never mutated; values that are not plain objects or arrays (strings,
 * numbers, `Date`s …) are returned as they are.
 *
 * Strategies:
 * - `"none"`: returns `value` itself, untouched.
 * - `"camelCase"`: `created_at` / `created-at` / `CreatedAt` -> `createdAt`, per dotted segment.
 * - `"pascal-prefix"`: dotted (namespaced) keys get each segment capitalized, as Azure DevOps
 *   spells its fields: `system.parent` -> `System.Parent`; keys without a dot are kept.
 * - `{ map }`: explicit renames, matched exactly first, then case-insensitively.
 *
 * When two keys of one object normalize to the same name, the key that was already spelled that
 * way wins; otherwise the first in the object's key order wins.
 *
 * @example
 * ```ts
 * import { normalizeFields } from "./normalize.ts";
 * const out = normalizeFields({ "system.parent": 7 }, "pascal-prefix");
 * console.assert(JSON.stringify(out) === '{"System.Parent":7}');
 * ```
 */
export function normalizeFields(value: unknown, strategy: NormalizeStrategy): unknown {
  const rename = renamer(strategy);
  return rename === undefined ? value : walk(value, rename);
}

/**
 * Applies {@linkcode normalizeFields} to a tool result's `value` and `structuredContent`
 * (content items are kept as sent). Shaped for `McpClientManager`'s `transformResult` hook.
 *
 * @example
 * ```ts
 * import { normalizeToolResult } from "./normalize.ts";
 * const result = normalizeToolResult({ value: { a_b: 1 }, content: [] }, "camelCase");
 * console.assert(JSON.stringify(result.value) === '{"aB":1}');
 * ```
 */
export function normalizeToolResult(result: ToolResult, strategy: NormalizeStrategy): ToolResult {
  if (strategy === "none") return result;
  const { structuredContent, ...rest } = result;
  return {
    ...rest,
    value: normalizeFields(result.value, strategy),
    ...(structuredContent === undefined ? {} : {
      structuredContent: normalizeFields(structuredContent, strategy) as Record<string, unknown>,
    }),
  };
}
