/**
 * The runs file: one JSON line per `mcpx exec` or serve run with its token accounting, in
 * `<state>/mcpx/runs.jsonl` (0600), read by `mcpx tokens --runs [N]`. Kept under
 * {@linkcode MAX_LINES} lines.
 *
 * @module
 */
import { join } from "node:path";
import { mcpxStateDir } from "../privacy/vault.ts";
import type { RunTokens } from "./run_tokens.ts";

/** One line of the runs file. */
export interface RunRecord {
  /** When the run ended (ISO 8601). */
  readonly at: string;
  /** `exec`, `run_skill` or `execute_code`. */
  readonly kind: string;
  /** The skill or script (its path as given; `execute_code` for snippets). */
  readonly skill: string;
  /** The project root. */
  readonly project: string;
  /** Tool calls made. */
  readonly toolCalls: number;
  /** The run's accounting. */
  readonly tokens: RunTokens;
}

/** Lines kept; older ones are dropped when the file grows past twice this. */
export const MAX_LINES = 1000;

/** The runs file for an environment. */
export function runsFile(env: Readonly<Record<string, string>>): string {
  return join(mcpxStateDir(env, "the runs file"), "runs.jsonl");
}

/** Appends one record; never throws (accounting must not fail a run), returns the error text. */
export async function appendRun(
  env: Readonly<Record<string, string>>,
  record: RunRecord,
): Promise<string | undefined> {
  try {
    const file = runsFile(env);
    await Deno.mkdir(join(file, ".."), { recursive: true, mode: 0o700 });
    // A line cut by a crash must not swallow this one: start on a fresh line.
    const lead = await endsWithNewline(file) ? "" : "\n";
    await Deno.writeTextFile(file, `${lead}${JSON.stringify(record)}\n`, {
      append: true,
      mode: 0o600,
    });
    const { size } = await Deno.stat(file);
    if (size > 400 * MAX_LINES) {
      const lines = (await Deno.readTextFile(file)).split("\n").filter((l) => l !== "");
      if (lines.length > 2 * MAX_LINES) {
        const temp = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
        await Deno.writeTextFile(temp, `${lines.slice(-MAX_LINES).join("\n")}\n`, { mode: 0o600 });
        await Deno.rename(temp, file);
      }
    }
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function endsWithNewline(file: string): Promise<boolean> {
  let handle: Deno.FsFile;
  try {
    handle = await Deno.open(file, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return true;
    await handle.seek(size - 1, Deno.SeekMode.Start);
    const last = new Uint8Array(1);
    await handle.read(last);
    return last[0] === 10;
  } finally {
    handle.close();
  }
}

/** The last `n` records (unreadable lines are skipped). */
export async function readRuns(
  env: Readonly<Record<string, string>>,
  n: number,
): Promise<RunRecord[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(runsFile(env));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const records: RunRecord[] = [];
  for (const line of text.split("\n")) {
    try {
      if (line !== "") records.push(JSON.parse(line) as RunRecord);
    } catch {
      // a line cut by a crash: skip it
    }
  }
  return records.slice(-n);
}

/** Sums the accounting of some runs. */
export function sumRuns(records: readonly RunRecord[]): {
  runs: number;
  toolCalls: number;
  toolResults: number;
  output: number;
  saved: number;
} {
  const sum = { runs: records.length, toolCalls: 0, toolResults: 0, output: 0, saved: 0 };
  for (const r of records) {
    sum.toolCalls += r.toolCalls;
    sum.toolResults += r.tokens.toolResults;
    sum.output += r.tokens.output;
    sum.saved += r.tokens.saved;
  }
  return sum;
}
