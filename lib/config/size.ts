/**
 * Sizes in `mcp_config.json`: `"512m"`, `"1g"`, `"64k"`, `"1.5GiB"`, or plain numbers.
 * Units are binary (k = 1024), as podman reads them.
 *
 * @module
 */

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i;
const UNIT: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * Parses a size string into bytes; `undefined` when it is not a size. A string without a unit
 * is a number of bytes.
 *
 * @example
 * ```ts
 * import { parseByteSize } from "./size.ts";
 * console.assert(parseByteSize("1m") === 1048576);
 * console.assert(parseByteSize("lots") === undefined);
 * ```
 */
export function parseByteSize(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (match === null) return undefined;
  const unit = UNIT[match[2]!.toLowerCase()]!;
  return Math.floor(Number(match[1]) * unit);
}

/** Whether `text` carries an explicit unit (`512m`, not `512`). */
export function hasSizeUnit(text: string): boolean {
  const match = SIZE.exec(text);
  return match !== null && (match[2] !== "" || /b\s*$/i.test(text));
}
