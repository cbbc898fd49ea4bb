/**
 * Learns a skill's manifest. What decides the grant is read by the harness itself: `servers`
 * and `permissions` from the `defineSkill({ … })` literal in the skill's file (`literal.ts`),
 * `{ fromArg }` values from the caller's own input (the argv words or the JSON arguments). A
 * permission-less child (`deno run --no-prompt --cached-only --no-remote`, no `--allow-*`)
 * imports the skill to validate the arguments with its zod schema and to print `--help`; nothing
 * it reports can change the grant, so code the skill imports cannot forge one.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL } from "node:url";
import { SkillError } from "../errors.ts";
import type { ChildReport } from "./_inspect_child.ts";
import { extractHeader } from "./header.ts";
import { runPermissionlessChild } from "./_permissionless_child.ts";
import {
  expandPermissionRequests,
  type ResolvedPermissions,
  resolvePermissions,
} from "./permissions.ts";
import { readManifestLiteral } from "./literal.ts";
import { toKebabCase } from "./flags.ts";
import type { SkillPermissions } from "./define.ts";

/** The arguments of one run: the words after the skill path, or a JSON object. */
export type SkillInput = readonly string[] | Readonly<Record<string, unknown>>;

/** The fields `{ fromArg }` entries of `permissions` name. */
function fromArgFields(permissions: SkillPermissions): string[] {
  return [permissions.net, permissions.read, permissions.write].flatMap((list) =>
    (list ?? []).flatMap((entry) => typeof entry === "string" ? [] : [entry.fromArg])
  );
}

/**
 * The values of `fields` in what the caller gave: `--kebab-name value` / `--kebab-name=value`
 * words (repeatable), or the JSON object's own properties. Never what the skill's code reports.
 */
export function callerValues(
  input: SkillInput,
  fields: readonly string[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of new Set(fields)) {
    if (!Array.isArray(input)) {
      const json = input as Readonly<Record<string, unknown>>;
      if (Object.hasOwn(json, field)) values[field] = json[field];
      continue;
    }
    const flags = new Set([`--${toKebabCase(field)}`, `--${field}`]);
    const found: string[] = [];
    for (let i = 0; i < input.length; i++) {
      const word = input[i]!;
      const eq = word.indexOf("=");
      if (flags.has(word) && i + 1 < input.length) found.push(input[++i]!);
      else if (eq !== -1 && flags.has(word.slice(0, eq))) found.push(word.slice(eq + 1));
    }
    if (found.length > 0) values[field] = found.length === 1 ? found[0] : found;
  }
  return values;
}

/** What {@linkcode inspectSkill} learned about a file. */
export type SkillInspection =
  | {
    /** A module without a default export: run as a plain script. */
    readonly kind: "script";
  }
  | {
    /** A `defineSkill` module. */
    readonly kind: "skill";
    /** `name` from the definition, else the file name without `.ts`. */
    readonly name: string;
    /** The MCP servers the skill may call. */
    readonly servers: readonly string[];
    /** Concrete permissions, argument references resolved (empty with `--help`). */
    readonly permissions: ResolvedPermissions;
    /** The validated flag values as JSON; pass them to `runSkillModule`, which parses them
     * again with the skill's schema (defaults and transforms apply there). `{}` with `--help`. */
    readonly args: Record<string, unknown>;
    /** Set when the argv asked for `--help`: the USAGE header plus the flags table. */
    readonly help?: string;
  };

/** Options of {@linkcode inspectSkill}. */
export interface InspectSkillOptions {
  /** Project root: the child runs there. */
  readonly root: string;
  /** Absolute workspace path: argument paths resolve against it and must stay inside it. */
  readonly workspace: string;
  /** The `deno.json` whose import map resolves the skill's imports.
   * @default `<root>/deno.json` when it exists, else mcpx's own */
  readonly configPath?: string;
  /** Roots the user widened (`--allow-read`/`--allow-write`) that argument paths may use. */
  readonly widened?: { readonly read?: readonly string[]; readonly write?: readonly string[] };
  /** How the skill is shown in messages. @default the path as given */
  readonly display?: string;
  /** Cancels the inspection (kills the child). */
  readonly signal?: AbortSignal;
  /** Kill the child after this many milliseconds. @default 30000 */
  readonly timeoutMs?: number;
}

const CHILD_MODULE = new URL("./_inspect_child.ts", import.meta.url).href;

/** The inspection child's own module, whose import graph an inspection result depends on. */
export const INSPECTION_CHILD: string = fromFileUrl(CHILD_MODULE);
const OWN_CONFIG = new URL("../../deno.json", import.meta.url);

function existsSync(path: string | URL): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function denoConfig(options: InspectSkillOptions): string | undefined {
  if (options.configPath !== undefined) return options.configPath;
  const local = resolve(options.root, "deno.json");
  if (existsSync(local)) return local;
  return OWN_CONFIG.protocol === "file:" && existsSync(OWN_CONFIG)
    ? OWN_CONFIG.pathname
    : undefined;
}

/** The child's entry: a data URL, so that no temp file is needed and nothing else is read. */
function entryUrl(skillUrl: string): string {
  const source = `import * as skill from ${JSON.stringify(skillUrl)};\n` +
    `import { reportInspection } from ${JSON.stringify(CHILD_MODULE)};\n` +
    `reportInspection(skill, Deno.args);\n`;
  return `data:application/javascript;base64,${btoa(source)}`;
}

function childFailure(display: string, stderr: string): SkillError {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const first = lines.find((l) => l.startsWith("error:")) ?? lines[0] ?? "no output";
  const detail = lines.slice(0, 3).join(" ").replace(/^error:\s*/, "");
  const hint = /not found in cache|--cached-only/.test(stderr)
    ? `run "deno cache ${display}" once to download its imports`
    : /Requires \w+ access|NotCapable|PermissionDenied/.test(stderr)
    ? "its top-level code must not need permissions: move file, network and env access into run()"
    : "fix the error shown, then try again";
  return new SkillError(
    "SKILL_INVALID",
    `Cannot load ${display} without permissions (${
      first === "no output" ? first : detail
    }); ${hint}.`,
    { data: { stderr } },
  );
}

/**
 * Inspects a skill or script in a permission-less child and validates `argv` (the words after
 * the skill path) against its schema. Throws `SkillError`: `INVALID_ARGUMENTS` for bad flags
 * (one line per problem), `SKILL_INVALID` when the file cannot be loaded or its definition is
 * wrong.
 *
 * @example
 * ```ts ignore
 * import { inspectSkill } from "./manifest.ts";
 * const inspection = await inspectSkill("skills/fetch.ts", ["--url", "https://example.com"], {
 *   root: Deno.cwd(),
 *   workspace: `${Deno.cwd()}/workspace`,
 * });
 * if (inspection.kind === "skill") console.log(inspection.permissions.net); // ["example.com"]
 * ```
 */
export function inspectSkill(
  path: string,
  argv: SkillInput,
  options: InspectSkillOptions,
): Promise<SkillInspection> {
  return inspectSkillWith(path, argv, options);
}

/** Where earlier inspection reports of the same, unchanged files are kept (the exec cache). */
export interface InspectionReports {
  /** The report recorded for `argv`, if any. */
  get(argv: SkillInput): ChildReport | undefined;
  /** Records a fresh report for `argv`. */
  put(argv: SkillInput, report: ChildReport): void;
}

/** Options of {@linkcode inspectSkillWith}. */
export interface CachedInspectOptions extends InspectSkillOptions {
  /** Reports to reuse instead of running the child, and to add fresh ones to. Only given when
   * the skill's files are known to be unchanged since the reports were made. */
  readonly reports?: InspectionReports;
}

/** {@linkcode inspectSkill}, reusing a recorded report when `options.reports` has one. */
export async function inspectSkillWith(
  path: string,
  argv: SkillInput,
  options: CachedInspectOptions,
): Promise<SkillInspection> {
  const file = resolve(options.root, path);
  const display = options.display ?? path;
  let source: string;
  try {
    source = await Deno.readTextFile(file);
  } catch (cause) {
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot read ${display} (${file}): check the path; "mcpx skills" lists the skills.`,
      { cause },
    );
  }
  let report = options.reports?.get(argv);
  if (report === undefined) {
    report = await runInspectionChild(file, argv, options, display);
    // Errors are not recorded: they are cheap to reproduce and their wording may depend on more.
    if (report.kind !== "error") options.reports?.put(argv, report);
  }
  if (report.kind === "script") return { kind: "script" };
  if (report.kind === "error") {
    const code = report.code === "INVALID_ARGUMENTS" ? "INVALID_ARGUMENTS" : "SKILL_INVALID";
    throw new SkillError(code, report.message);
  }
  // The grant comes from the file's literal and the caller's input, never from the report.
  const literal = readManifestLiteral(source, display);
  const name = literal.name ?? basename(file).replace(/\.[cm]?[jt]sx?$/, "");
  // Whether this is a --help request is decided from the caller's words, not the report.
  const help = Array.isArray(argv) && argv.some((word) => word === "--help" || word === "-h");
  if (report.kind !== "skill" || (!help && report.input === undefined)) {
    throw new SkillError(
      "SKILL_INVALID",
      `Cannot load ${display}: its inspection gave no usable report (something it imports ` +
        `writes to stdout or replaces JSON at load time); move that code into run().`,
    );
  }
  if (help) {
    const header = extractHeader(source)?.text ?? name;
    return {
      kind: "skill",
      name,
      servers: literal.servers,
      permissions: { net: [], read: [], write: [], env: [] },
      args: {},
      help: `${header}\n\n${report.flagsTable ?? ""}`,
    };
  }
  const fields = fromArgFields(literal.permissions);
  const requested = expandPermissionRequests(
    literal.permissions,
    callerValues(argv, fields),
    fields,
  );
  return {
    kind: "skill",
    name,
    servers: literal.servers,
    permissions: resolvePermissions(requested, options),
    args: report.input ?? {},
  };
}

async function runInspectionChild(
  file: string,
  argv: SkillInput,
  options: InspectSkillOptions,
  display: string,
): Promise<ChildReport> {
  const marker = `@@mcpx-inspect-${crypto.randomUUID()}@@`;
  const config = denoConfig(options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signals = [timeout];
  if (options.signal !== undefined) signals.push(options.signal);
  const output = await runPermissionlessChild(
    entryUrl(pathToFileURL(file).href),
    [marker, JSON.stringify(argv), display],
    { cwd: options.root, configPath: config, signal: AbortSignal.any(signals) },
  );
  if (timeout.aborted) {
    throw new SkillError(
      "SKILL_INVALID",
      `Loading ${display} took longer than ${timeoutMs / 1000} s: its top-level code must ` +
        `return promptly; move long work into run().`,
    );
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const line = stdout.split("\n").find((l) => l.startsWith(marker));
  if (line === undefined) throw childFailure(display, new TextDecoder().decode(output.stderr));
  return JSON.parse(line.slice(marker.length)) as ChildReport;
}
