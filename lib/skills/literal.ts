/**
 * Reads a skill's manifest (`name`, `servers`, `permissions`) statically from the
 * `export default defineSkill({ … })` literal in the skill's own file, without running any code.
 * The harness grants from this reading only: code the skill imports runs nowhere before the
 * grant is fixed and cannot change it. Values of those three keys must be literals (strings,
 * arrays, objects, `{ fromArg: "…" }`); anything else is refused with one line asking for
 * literals. Other keys (`args`, `run`, …) are skipped without being interpreted.
 *
 * @module
 */
import { SkillError } from "../errors.ts";
import type { SkillPermissions } from "./define.ts";

/** What the literal declares. */
export interface LiteralManifest {
  /** `name`, when given. */
  readonly name: string | undefined;
  /** `servers` (default none). */
  readonly servers: readonly string[];
  /** `permissions` (default none). */
  readonly permissions: SkillPermissions;
}

const MANIFEST_KEYS = new Set(["name", "servers", "permissions"]);

class NotLiteral extends Error {}

/** A tiny scanner over JavaScript/TypeScript source that knows comments, strings and regexes. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  /** Skips whitespace and comments. */
  space(): void {
    for (;;) {
      const c = this.peek();
      if (/\s/.test(c)) this.pos++;
      else if (c === "/" && this.peek(1) === "/") {
        const end = this.text.indexOf("\n", this.pos);
        this.pos = end === -1 ? this.text.length : end;
      } else if (c === "/" && this.peek(1) === "*") {
        const end = this.text.indexOf("*/", this.pos + 2);
        this.pos = end === -1 ? this.text.length : end + 2;
      } else return;
    }
  }

  /** Skips a quoted string starting at `pos`; returns its value (escapes kept simple). */
  string(): string {
    const quote = this.text[this.pos++]!;
    let value = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === "\\") {
        const escaped = this.text[this.pos++] ?? "";
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
        // Anything fancier (\x41, \u{…}) is kept as a marker: not a literal mcpx grants from.
        value += simple[escaped] ?? (/[\\'"`/]/.test(escaped) ? escaped : "\0");
        continue;
      }
      if (c === quote) return value;
      if (quote === "`" && c === "$" && this.peek() === "{") {
        this.pos++;
        this.balanced("}");
        value += "\0"; // an interpolation: not a literal
        continue;
      }
      value += c;
    }
    return value;
  }

  /** Skips until the `close` matching an already consumed opener. */
  balanced(close: string): void {
    for (;;) {
      this.space();
      if (this.pos >= this.text.length) return;
      const c = this.peek();
      if (c === close) {
        this.pos++;
        return;
      }
      this.token();
    }
  }

  /** Skips one token or bracketed group. */
  token(): void {
    const c = this.peek();
    if (c === '"' || c === "'" || c === "`") this.string();
    else if (c === "(") (this.pos++, this.balanced(")"));
    else if (c === "[") (this.pos++, this.balanced("]"));
    else if (c === "{") (this.pos++, this.balanced("}"));
    else if (c === "/" && this.regexAllowed()) this.regex();
    else this.pos++;
  }

  regexAllowed(): boolean {
    let i = this.pos - 1;
    while (i >= 0 && /\s/.test(this.text[i]!)) i--;
    const before = this.text[i] ?? "";
    if (/[(,=:[!&|?{};+\-*%<>~^]/.test(before) || before === "") return true;
    return /\b(return|typeof|case|in|of|void|yield|await)$/.test(this.text.slice(0, i + 1));
  }

  regex(): void {
    this.pos++;
    let inClass = false;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === "\\") this.pos++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      else if (c === "\n") return;
    }
    while (/[a-z]/i.test(this.peek())) this.pos++;
  }

  /** Skips one expression up to a `,` or `}` at depth 0. */
  expression(): void {
    for (;;) {
      this.space();
      const c = this.peek();
      if (c === "" || c === "," || c === "}") return;
      this.token();
    }
  }

  identifier(): string {
    const match = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos));
    if (match === null) return "";
    this.pos += match[0].length;
    return match[0];
  }

  /** A literal value: string, number, boolean, null, array or object of literals. */
  literal(): unknown {
    this.space();
    const c = this.peek();
    if (c === '"' || c === "'" || c === "`") {
      const value = this.string();
      if (value.includes("\0")) throw new NotLiteral();
      return value;
    }
    if (c === "[") {
      this.pos++;
      const items: unknown[] = [];
      for (;;) {
        this.space();
        if (this.peek() === "]") return (this.pos++, items);
        if (this.peek() === ".") throw new NotLiteral();
        items.push(this.literal());
        this.space();
        if (this.peek() === ",") this.pos++;
        else if (this.peek() !== "]") throw new NotLiteral();
      }
    }
    if (c === "{") {
      this.pos++;
      const object: Record<string, unknown> = Object.create(null);
      for (;;) {
        this.space();
        if (this.peek() === "}") return (this.pos++, object);
        const key = this.key();
        this.space();
        if (this.peek() !== ":" || key in object) throw new NotLiteral();
        this.pos++;
        object[key] = this.literal();
        this.space();
        if (this.peek() === ",") this.pos++;
        else if (this.peek() !== "}") throw new NotLiteral();
      }
    }
    const word = /^(-?\d[\d_.eE+-]*|true|false|null)\b/.exec(this.text.slice(this.pos));
    if (word !== null) {
      this.pos += word[0].length;
      return JSON.parse(word[0].replaceAll("_", ""));
    }
    throw new NotLiteral();
  }

  /** A property key: identifier or string; computed keys and spreads are not literals. */
  key(): string {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    const name = this.identifier();
    if (name === "") throw new NotLiteral();
    return name;
  }
}

/** Positions of `export default defineSkill({` in code (not in comments or strings). */
function findDefinitions(source: string): number[] {
  const s = new Scanner(source);
  const found: number[] = [];
  const pattern = /^export\s+default\s+defineSkill\s*\(\s*\{/;
  while (s.pos < source.length) {
    s.space();
    const match = pattern.exec(source.slice(s.pos, s.pos + 200));
    if (match !== null) {
      found.push(s.pos + match[0].length);
      s.pos += match[0].length;
      continue;
    }
    const c = s.peek();
    if (c === '"' || c === "'" || c === "`" || (c === "/" && s.regexAllowed())) s.token();
    else if (/[A-Za-z_$]/.test(c)) s.identifier();
    else s.pos++;
  }
  return found;
}

function refuse(display: string, what: string): SkillError {
  return new SkillError(
    "SKILL_INVALID",
    `${display}: ${what}; mcpx reads servers and permissions from the file without running ` +
      `it, so write them as literals inside "export default defineSkill({ … })" (strings, ` +
      `arrays, { fromArg: "<argument>" }).`,
  );
}

function stringList(value: unknown, where: string, display: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw refuse(display, `${where} must be an array of strings`);
  }
  return value as string[];
}

function requestList(value: unknown, where: string, display: string) {
  if (!Array.isArray(value)) throw refuse(display, `${where} must be an array`);
  return value.map((entry) => {
    if (typeof entry === "string") return entry;
    const keys = entry !== null && typeof entry === "object" ? Object.keys(entry) : [];
    const fromArg = (entry as { fromArg?: unknown } | null)?.fromArg;
    if (keys.length !== 1 || typeof fromArg !== "string") {
      throw refuse(display, `${where} entries must be strings or { fromArg: "<argument>" }`);
    }
    return { fromArg };
  });
}

/**
 * Reads the manifest literal of a skill's source. Throws `SkillError` (`SKILL_INVALID`) with one
 * line when the file has no single `export default defineSkill({ … })`, or when `name`,
 * `servers` or `permissions` is not a literal (a variable, a call, a spread, a computed key).
 *
 * @example
 * ```ts
 * import { readManifestLiteral } from "./literal.ts";
 * const m = readManifestLiteral(
 *   'export default defineSkill({ servers: ["fs"], permissions: { net: [{ fromArg: "url" }] },' +
 *     " args: z.object({}), async run() {} });",
 *   "skill.ts",
 * );
 * console.assert(m.servers[0] === "fs");
 * ```
 */
export function readManifestLiteral(source: string, display: string): LiteralManifest {
  const starts = findDefinitions(source);
  if (starts.length !== 1) {
    throw refuse(
      display,
      starts.length === 0
        ? 'its default export is not written as "export default defineSkill({ … })"'
        : "it has more than one defineSkill({ … }) default export",
    );
  }
  const s = new Scanner(source);
  s.pos = starts[0]!;
  const found: Record<string, unknown> = Object.create(null);
  try {
    for (;;) {
      s.space();
      const c = s.peek();
      if (c === "}" || c === "") break;
      if (c === "." || c === "[") {
        throw refuse(display, "its definition uses a spread or computed key");
      }
      let key = s.key();
      s.space();
      // Method modifiers: `async run() {}`, `get x() {}`, `async *gen() {}`.
      while (/^(async|get|set)$/.test(key) && /[A-Za-z_$*"']/.test(s.peek())) {
        if (s.peek() === "*") s.pos++;
        s.space();
        key = s.key();
        s.space();
      }
      if (MANIFEST_KEYS.has(key)) {
        if (s.peek() !== ":") throw refuse(display, `${key} is not a literal`);
        if (key in found) throw refuse(display, `${key} is given twice`);
        s.pos++;
        try {
          found[key] = s.literal();
        } catch (error) {
          if (error instanceof NotLiteral) throw refuse(display, `${key} is not a literal`);
          throw error;
        }
      } else {
        s.expression();
      }
      s.space();
      if (s.peek() === ",") s.pos++;
    }
  } catch (error) {
    if (error instanceof NotLiteral) throw refuse(display, "its definition could not be read");
    throw error;
  }
  const name = found.name;
  if (name !== undefined && typeof name !== "string") {
    throw refuse(display, "name must be a string");
  }
  const servers = found.servers === undefined ? [] : stringList(found.servers, "servers", display);
  const p = found.permissions ?? {};
  if (typeof p !== "object" || p === null || Array.isArray(p)) {
    throw refuse(display, "permissions must be an object");
  }
  const permissions: Record<string, unknown> = {};
  for (const [kind, value] of Object.entries(p)) {
    if (kind === "env") permissions.env = stringList(value, "permissions.env", display);
    else if (kind === "net" || kind === "read" || kind === "write") {
      permissions[kind] = requestList(value, `permissions.${kind}`, display);
    } else throw refuse(display, `permissions.${kind} is not a permission (net, read, write, env)`);
  }
  return { name, servers, permissions: permissions as SkillPermissions };
}
