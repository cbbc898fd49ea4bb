/**
 * The one translation layer between mcpx's messages and what an agent reads through
 * `mcpx serve`. The rest of mcpx speaks to a person at a terminal: absolute paths, CLI flags
 * (`--max-length`), commands to run (`mcpx exec … --help`, `pass --allow-net`), colour codes. An
 * agent can do none of that: it calls tools with JSON arguments, and the operator owns the
 * config. Every text a serve tool returns (results, run output, errors) goes through
 * {@linkcode agentText}, so a new message gets the translation by construction; stable error
 * codes are kept in front (`INVALID_ARGUMENTS: …`).
 *
 * @module
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { McpxError } from "../errors.ts";

/** What the translation knows about the request being answered. */
export interface AgentContext {
  /** The project root, shown as relative paths (`skills/fetch.ts`). */
  readonly root: string;
  /** The skill being run: its flag names are shown as its JSON argument keys. */
  skill?: { readonly name: string; readonly fields: readonly string[] };
  /** Set while answering `execute_code`: the code is the agent's, not a skill's. */
  code?: boolean;
}

// This copy of mcpx (its `lib/`), shown as `mcpx/…` in stack traces; none when loaded remotely.
const MCPX_DIR = new URL(import.meta.url).protocol === "file:"
  ? dirname(dirname(dirname(fileURLToPath(import.meta.url))))
  : undefined;

// CSI and OSC sequences (colours, cursor moves, hyperlinks), as terminals and servers emit them.
// deno-lint-ignore no-control-regex -- escape sequences are what this removes
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const OPERATOR_NET =
  'the operator can grant hosts to serve runs with "serve": {"allow_net": [...]} ' +
  "in mcp_config.json";

/** Rewrites of CLI advice into what an agent can do or the operator can configure. */
const ADVICE: readonly [RegExp, string][] = [
  [/Run "mcpx exec [^"]*--help" for its flags\./g, "Call get_skill to see its arguments."],
  [
    /only reachable when you pass --allow-net (\S+) to mcpx exec yourself\./g,
    'only reachable when the operator lists "$1" in serve.allow_net in mcp_config.json.',
  ],
  [/run again with the --allow-net flag/g, OPERATOR_NET],
  [
    /run again with the --allow-(read|write) flag/g,
    "runs started through serve may only use the workspace (workspace/)",
  ],
  [/run again with the --allow-(\w+) flag/g, "runs started through serve cannot be granted that"],
  [
    /; use a path inside it, or widen with\s+mcpx exec --allow-\w+=<dir> before the skill path\./g,
    "; use a path inside it.",
  ],
  [/(?:run )?"mcpx skills"( lists the skills| to list them)?/g, "call list_skills"],
  [/run "(deno cache [^"]+)" once/g, 'the operator runs "$1" once'],
  [/Run "mcpx doctor" to see/g, 'The operator can run "mcpx doctor" to see'],
  [/Rerun the skill; if this keeps happening, run mcpx with --verbose\./g, "Try again."],
];

/** Removes terminal escape sequences (colours, cursor moves) from `text`. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Shows paths under `root` relative to it, mcpx's own files as `mcpx/…`, the home as `~`. */
export function maskPaths(text: string, root: string): string {
  const home = Deno.env.get("HOME");
  const prefixes: [string, string][] = [[root, ""]];
  if (MCPX_DIR !== undefined) prefixes.push([MCPX_DIR, "mcpx/"]);
  if (home !== undefined) prefixes.push([home, "~/"]);
  let masked = text
    // A snippet's temporary file: the agent knows it as its code.
    .replace(/(?:file:\/\/)?[^\s"'()]*\/mcpx-snippet-[0-9A-Za-z_]+\/snippet\.ts/g, "<code>");
  for (const [prefix, shown] of prefixes) {
    // "/" (a project at the file system root) would mask every path into nonsense.
    if (prefix.replace(/\/+$/, "") === "") continue;
    const path = escape(prefix.replace(/\/+$/, ""));
    masked = masked
      .replace(new RegExp(`file://${path}/`, "g"), shown)
      .replace(new RegExp(`${path}/`, "g"), shown)
      .replace(new RegExp(`${path}(?![\\w.-])`, "g"), shown === "" ? "." : shown.slice(0, -1));
  }
  return masked;
}

function kebab(name: string): string {
  return name.replace(/_/g, "-").replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** `--max-length` -> `"maxLength"` for the skill's own fields. */
function flagsToKeys(text: string, fields: readonly string[]): string {
  const byFlag = new Map(fields.map((field) => [kebab(field), field]));
  return text.replace(/--([a-z0-9][a-z0-9-]*)\b/g, (flag, name: string) => {
    const field = byFlag.get(name) ?? byFlag.get(name.replace(/^no-/, ""));
    return field === undefined ? flag : JSON.stringify(field);
  });
}

/**
 * Translates any text mcpx produced into the agent's terms: no escape codes, no host paths, no
 * CLI advice, a skill's flags as its JSON keys.
 *
 * @example
 * ```ts
 * import { agentText } from "./_agent_text.ts";
 * const text = agentText("\x1b[31m/p/skills/add.ts\x1b[0m: --max-length bad", {
 *   root: "/p",
 *   skill: { name: "add", fields: ["maxLength"] },
 * });
 * console.assert(text === 'skills/add.ts: "maxLength" bad');
 * ```
 */
export function agentText(text: string, context: AgentContext): string {
  let translated = maskPaths(stripAnsi(text), context.root).replace(
    /Add "([^"]+)" to the skill's servers, or pass --servers \S+?\./g,
    context.code === true
      ? 'Name "$1" in execute_code\'s servers.'
      : "Only the servers the skill declares may be called.",
  );
  for (const [pattern, replacement] of ADVICE) {
    translated = translated.replace(pattern, replacement);
  }
  return context.skill === undefined ? translated : flagsToKeys(translated, context.skill.fields);
}

/** An error as the agent reads it: `CODE: message`, translated by {@linkcode agentText}. */
export function agentError(error: unknown, context: AgentContext): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof McpxError ? `${error.code}: ` : "";
  return `${code}${agentText(message, context)}`;
}
