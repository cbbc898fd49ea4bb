/**
 * The files `mcpx discover` writes per server and `mcpx generate` reads back:
 * `discovered_types.ts` (quicktype's TypeScript types) and `discovered.json` (which type belongs
 * to which tool, sample counts, and the inferred JSON Schema that `--verify` checks against).
 *
 * @module
 */
import { join } from "node:path";
import type { JsonSchema } from "./_schema.ts";

/** File names inside `servers/<server>/`. */
export const DISCOVERED_TYPES_FILE = "discovered_types.ts";
/** See {@linkcode DISCOVERED_TYPES_FILE}. */
export const DISCOVERED_META_FILE = "discovered.json";

/** What discovery recorded for one tool. */
export interface DiscoveredTool {
  /** The type `discovered_types.ts` exports for the tool's result value. */
  readonly type: string;
  /** How many samples the type was inferred from. */
  readonly samples: number;
  /** The inferred JSON Schema (quicktype's), used by `mcpx discover --verify`. */
  readonly schema: JsonSchema;
}

/** The content of `discovered.json`. */
export interface DiscoveredMeta {
  /** Tool name -> what discovery found. */
  readonly tools: Readonly<Record<string, DiscoveredTool>>;
}

/** Reads a server folder's discovery files: the tool -> type map, and the files to keep. */
export async function readDiscovered(
  folder: string,
): Promise<{ discovered?: Record<string, string>; keep?: Record<string, string> }> {
  let types: string;
  let meta: DiscoveredMeta;
  let metaText: string;
  try {
    types = await Deno.readTextFile(join(folder, DISCOVERED_TYPES_FILE));
    metaText = await Deno.readTextFile(join(folder, DISCOVERED_META_FILE));
    meta = JSON.parse(metaText) as DiscoveredMeta;
  } catch {
    return {};
  }
  const discovered: Record<string, string> = {};
  for (const [tool, info] of Object.entries(meta.tools ?? {})) {
    if (typeof info?.type === "string") discovered[tool] = info.type;
  }
  return {
    discovered,
    keep: { [DISCOVERED_TYPES_FILE]: types, [DISCOVERED_META_FILE]: metaText },
  };
}
