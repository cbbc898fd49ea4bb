/**
 * The registry of config formats mcpx reads: one file per client. Adding a client means adding
 * its file and one line here; `mcpx config --sources`, `mcpx config import`, detection of a file
 * given with `--config`, and the table in docs/config.md all follow from this list.
 *
 * @module
 */
import type { ConfigFormat } from "./_format.ts";
import { claudeCode } from "./claude_code.ts";
import { claudeDesktop } from "./claude_desktop.ts";
import { codex } from "./codex.ts";
import { cursor } from "./cursor.ts";
import { gemini } from "./gemini.ts";
import { mcpx } from "./mcpx.ts";
import { opencode } from "./opencode.ts";
import { vscode } from "./vscode.ts";
import { windsurf } from "./windsurf.ts";

export type { ConfigFormat, FormatLocation, InputSpec, TranslatedServer } from "./_format.ts";

/** Every format, mcpx's own first. */
export const FORMATS: readonly ConfigFormat[] = [
  mcpx,
  claudeCode,
  claudeDesktop,
  cursor,
  vscode,
  windsurf,
  gemini,
  codex,
  opencode,
];

/** The format with this id, if any. */
export function formatById(id: string): ConfigFormat | undefined {
  return FORMATS.find((format) => format.id === id);
}

/** The syntax a file at `path` is written in. */
export function syntaxOf(path: string): "json" | "toml" {
  return path.endsWith(".toml") ? "toml" : "json";
}

/**
 * The format of a parsed file: the most certain detector wins (file name first, then content);
 * mcpx's own format when none claims it.
 */
export function detectFormat(path: string, raw: unknown): ConfigFormat {
  let best = mcpx;
  let bestScore = 0;
  for (const format of FORMATS) {
    const score = format.detect(path, raw);
    if (score > bestScore) [best, bestScore] = [format, score];
  }
  return best;
}
