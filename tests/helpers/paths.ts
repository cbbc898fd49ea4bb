/**
 * Paths tests share.
 *
 * @module
 */
import { dirname, fromFileUrl } from "./_node_path.ts";

/** Absolute path of the repository root. */
export const ROOT: string = dirname(dirname(dirname(fromFileUrl(import.meta.url))));
/** Absolute path of `cli.ts`. */
export const CLI: string = `${ROOT}/cli.ts`;
/** Pinned npm specifiers of the reference servers (same as mcp_config.json). */
export const SERVERS = {
  everything: "npm:@modelcontextprotocol/server-everything@2026.8.31",
  filesystem: "npm:@modelcontextprotocol/server-filesystem@2026.8.31",
  memory: "npm:@modelcontextprotocol/server-memory@2026.8.31",
} as const;
