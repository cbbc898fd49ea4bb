/**
 * VS Code `${input:id}` values: from `MCPX_INPUT_<ID>`, else asked once on a terminal (hidden
 * for `"password": true` inputs), never sent literally. Without a value (no variable, no
 * terminal) the servers using the input are unavailable with one line saying what to set.
 *
 * @module
 */
import { parseSyntax } from "./_syntax.ts";
import { detectFormat, formatById, type InputSpec, syntaxOf } from "./formats/mod.ts";
import { inputVariable } from "./interpolate.ts";

/** Asks for one input's value; `undefined` when there is no one to ask. */
export type AskInput = (input: InputSpec) => Promise<string | undefined>;

const REFERENCE = /\$\{input:([\w.-]+)(?::-[^}]*)?\}/g;

/**
 * The values to ask for in a config file's text: inputs it references that have no
 * `MCPX_INPUT_<ID>` in `env`, asked with `ask`.
 */
export async function askInputs(
  text: string,
  options: { path: string; env: Readonly<Record<string, string>>; format?: string; ask: AskInput },
): Promise<Record<string, string>> {
  const referenced = new Set([...text.matchAll(REFERENCE)].map((match) => match[1]!));
  const missing = [...referenced].filter((id) => options.env[inputVariable(id)] === undefined);
  if (missing.length === 0) return {};
  let specs: readonly InputSpec[] = [];
  try {
    const chosen = options.format === undefined ? undefined : formatById(options.format);
    const raw = await parseSyntax(text, chosen?.syntax ?? syntaxOf(options.path), options.path);
    const format = chosen ?? detectFormat(options.path, raw);
    specs = format.translate(raw, { path: options.path, project: "", home: "" }).inputs ?? [];
  } catch {
    return {}; // A syntax error is reported by the parse that follows.
  }
  const values: Record<string, string> = {};
  for (const id of missing) {
    const spec = specs.find((s) => s.id === id) ?? { id, description: id, password: false };
    const value = await options.ask(spec);
    if (value !== undefined && value !== "") values[id] = value;
  }
  return values;
}

/** Shows `prompt`, then reads one line from the terminal; when `hidden`, nothing typed is echoed.
 * Echo is switched off before the prompt appears, so text typed at once is never shown. */
async function readLine(prompt: string, hidden: boolean): Promise<string | undefined> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  if (hidden) Deno.stdin.setRaw(true);
  Deno.stderr.writeSync(encoder.encode(prompt));
  let line = "";
  try {
    const buffer = new Uint8Array(256);
    while (true) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) return line === "" ? undefined : line;
      for (const char of decoder.decode(buffer.subarray(0, n))) {
        if (char === "\r" || char === "\n") return line;
        if (char === "\u0003" || char === "\u0004") return undefined; // Ctrl-C, Ctrl-D
        if (hidden && (char === "\u007f" || char === "\b")) line = line.slice(0, -1);
        else line += char;
      }
    }
  } finally {
    if (hidden) {
      Deno.stdin.setRaw(false);
      Deno.stderr.writeSync(encoder.encode("\n"));
    }
  }
}

/**
 * Asks on the terminal (prompt on stderr) when both stdin and stderr are terminals; otherwise
 * answers `undefined` so the servers stay unavailable with a one-line reason.
 */
export const askOnTerminal: AskInput = async (input) => {
  if (!Deno.stdin.isTerminal() || !Deno.stderr.isTerminal()) return undefined;
  const hint = input.password ? " (hidden)" : "";
  return await readLine(`${input.description} [${input.id}]${hint}: `, input.password);
};
