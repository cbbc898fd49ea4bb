/**
 * Ranking for the `search_tools` tool: a small, predictable score over name and description
 * tokens, so that an agent finds a tool across every configured server without loading any
 * schema.
 *
 * @module
 */
import type { ToolInfo } from "../client/types.ts";

/** A tool together with the server that offers it. */
export interface ToolEntry {
  /** The server's name in `mcp_config.json`. */
  readonly server: string;
  /** The tool as the server lists it. */
  readonly tool: ToolInfo;
}

/** A ranked search result. */
export interface ToolHit extends ToolEntry {
  /** The score; higher is better. Always > 0 unless the query was empty. */
  readonly score: number;
}

/** Options for {@linkcode rankTools}. */
export interface RankToolsOptions {
  /** At most this many hits. @default 10 */
  limit?: number;
}

/**
 * Splits text into lowercase word tokens, also at camelCase boundaries, dashes, underscores and
 * dots: `getTinyImage` and `get-tiny-image` both give `get`, `tiny`, `image`.
 *
 * @example
 * ```ts
 * import { tokenize } from "./search.ts";
 * console.assert(tokenize("getTiny_image").join(" ") === "get tiny image");
 * ```
 */
export function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0);
}

/**
 * Scores every tool against `query` and returns the best first (ties by server, then name).
 * Per query token: 3 points when it equals a token of the tool's name, 2 for a server-name token,
 * 1 for a description token, and half of that when it is only a prefix of one (`sum` matches
 * `summary`). A query equal to the tool's name, or `server.tool`, adds 5. An empty query lists
 * every tool with score 0.
 *
 * @example
 * ```ts
 * import { rankTools } from "./search.ts";
 * const tools = [
 *   { server: "everything", tool: { name: "get-sum", description: "Adds two numbers", inputSchema: {} } },
 *   { server: "everything", tool: { name: "echo", description: "Echoes the input", inputSchema: {} } },
 * ];
 * console.assert(rankTools(tools, "add numbers")[0]?.tool.name === "get-sum");
 * ```
 */
export function rankTools(
  entries: readonly ToolEntry[],
  query: string,
  options: RankToolsOptions = {},
): ToolHit[] {
  const limit = options.limit ?? 10;
  const words = [...new Set(tokenize(query))];
  const wanted = query.trim().toLowerCase();
  const hits: ToolHit[] = [];
  for (const entry of entries) {
    const score = words.length === 0 ? 0 : scoreTool(entry, words, wanted);
    if (words.length === 0 || score > 0) hits.push({ ...entry, score });
  }
  hits.sort((a, b) =>
    b.score - a.score || a.server.localeCompare(b.server) || a.tool.name.localeCompare(b.tool.name)
  );
  return hits.slice(0, Math.max(0, limit));
}

function scoreTool(entry: ToolEntry, words: readonly string[], wanted: string): number {
  const name = tokenize(entry.tool.name);
  const server = tokenize(entry.server);
  const description = tokenize(`${entry.tool.title ?? ""} ${entry.tool.description ?? ""}`);
  let score = 0;
  for (const word of words) {
    score += Math.max(
      match(word, name) * 3,
      match(word, server) * 2,
      match(word, description),
    );
  }
  const full = entry.tool.name.toLowerCase();
  if (wanted === full || wanted === `${entry.server.toLowerCase()}.${full}`) score += 5;
  return score;
}

function match(word: string, tokens: readonly string[]): number {
  if (tokens.includes(word)) return 1;
  return word.length >= 3 && tokens.some((token) => token.startsWith(word)) ? 0.5 : 0;
}
