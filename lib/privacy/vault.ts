/**
 * The placeholder vault: value ↔ placeholder for one serve session (in memory) or one project
 * (a 0600 file in the user's state directory, for the CLI). A placeholder carries the vault's
 * random tag (`[EMAIL_1_k3q9]`), so it never resolves in another session or project, even where
 * that one has its own `EMAIL_1`.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { McpxError } from "../errors.ts";

/** One stored mapping. */
export interface VaultEntry {
  /** The placeholder, e.g. `[EMAIL_1_k3q9]`. */
  readonly placeholder: string;
  /** The real value. */
  readonly value: string;
  /** When it stops resolving (epoch ms); refreshed whenever it is used again. */
  expires: number;
}

/** Any mcpx placeholder shape: label, number, vault tag. */
export const PLACEHOLDER = /\[([A-Z][A-Z0-9_]*?)_(\d+)_([a-z0-9]{4})\]/g;

const TAG_CHARS = "abcdefghijkmnpqrstuvwxyz23456789";

function newTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((b) => TAG_CHARS[b % TAG_CHARS.length]).join("");
}

/** What {@linkcode Vault.restore} did. */
export interface Restored<T> {
  /** The input with every known placeholder replaced by its value. */
  readonly value: T;
  /** Placeholder-shaped strings this vault does not know (another session, or expired). */
  readonly unknown: readonly string[];
}

/** The in-memory vault; {@linkcode ProjectVault} adds the file. */
export class Vault {
  /** This vault's tag (4 characters), part of every placeholder it hands out. */
  readonly tag: string;
  /** How long an entry resolves after its last use, in milliseconds. */
  readonly ttlMs: number;
  /** What the vault belongs to, for messages. */
  readonly scope: "session" | "project" = "session";
  /** Entries by real value. */
  protected readonly byValue: Map<string, VaultEntry> = new Map();
  /** Entries by placeholder. */
  protected readonly byPlaceholder: Map<string, VaultEntry> = new Map();
  /** The highest number handed out per label. */
  protected readonly counters: Map<string, number> = new Map();
  /** Whether something changed since the vault was loaded. */
  protected dirty = false;

  /** A vault with a new random tag, or the given one and entries (expired entries are dropped). */
  constructor(options: { tag?: string; ttlMs?: number; entries?: readonly VaultEntry[] } = {}) {
    this.tag = options.tag ?? newTag();
    this.ttlMs = options.ttlMs ?? 24 * 3600_000;
    const now = Date.now();
    for (const entry of options.entries ?? []) {
      if (entry.expires > now) this.add({ ...entry });
    }
  }

  /** Indexes one entry. */
  protected add(entry: VaultEntry): void {
    this.byValue.set(entry.value, entry);
    this.byPlaceholder.set(entry.placeholder, entry);
    const match = /^\[([A-Z][A-Z0-9_]*?)_(\d+)_[a-z0-9]{4}\]$/.exec(entry.placeholder);
    if (match !== null) {
      const n = Number(match[2]);
      if (n > (this.counters.get(match[1]!) ?? 0)) this.counters.set(match[1]!, n);
    }
  }

  /** The placeholder of `value` (the same one every time), making one when needed. */
  placeholderFor(label: string, value: string): string {
    const known = this.byValue.get(value);
    const expires = Date.now() + this.ttlMs;
    if (known !== undefined) {
      if (known.expires - expires < -60_000) this.dirty = true;
      known.expires = expires;
      return known.placeholder;
    }
    const n = (this.counters.get(label) ?? 0) + 1;
    const entry = { placeholder: `[${label}_${n}_${this.tag}]`, value, expires };
    this.add(entry);
    this.dirty = true;
    return entry.placeholder;
  }

  /** The value of one placeholder, when this vault made it and it has not expired. */
  resolve(placeholder: string): string | undefined {
    const entry = this.byPlaceholder.get(placeholder);
    if (entry === undefined || entry.expires <= Date.now()) return undefined;
    return entry.value;
  }

  /** Replaces the known placeholders in a text. */
  restoreText(text: string): Restored<string> {
    const unknown: string[] = [];
    const value = text.replace(PLACEHOLDER, (placeholder) => {
      const real = this.resolve(placeholder);
      if (real === undefined) unknown.push(placeholder);
      return real ?? placeholder;
    });
    return { value, unknown };
  }

  /** Replaces the known placeholders in every string of a JSON-like value (keys too). */
  restore<T>(input: T): Restored<T> {
    const unknown: string[] = [];
    const walk = (value: unknown): unknown => {
      if (typeof value === "string") {
        if (!value.includes("[")) return value;
        const restored = this.restoreText(value);
        unknown.push(...restored.unknown);
        return restored.value;
      }
      if (Array.isArray(value)) return value.map(walk);
      if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
          Object.entries(value).map(([key, item]) => [walk(key) as string, walk(item)]),
        );
      }
      return value;
    };
    return { value: walk(input) as T, unknown };
  }

  /** The number of live entries. */
  get size(): number {
    return this.byValue.size;
  }
}

/**
 * The directory of project vaults: `$XDG_STATE_HOME/mcpx/privacy` (when absolute), else
 * `$HOME/.local/state/mcpx/privacy`.
 *
 * @example
 * ```ts
 * import { privacyStateDir } from "./vault.ts";
 * console.assert(privacyStateDir({ XDG_STATE_HOME: "/s" }) === "/s/mcpx/privacy");
 * ```
 */
export function privacyStateDir(env: Readonly<Record<string, string>>): string {
  return join(mcpxStateDir(env, "the privacy vault"), "privacy");
}

/** `$XDG_STATE_HOME/mcpx` (when absolute), else `$HOME/.local/state/mcpx`. */
export function mcpxStateDir(env: Readonly<Record<string, string>>, what: string): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg !== "" && isAbsolute(xdg)) return join(xdg, "mcpx");
  const home = env.HOME ?? env.USERPROFILE;
  if (home === undefined || home === "") {
    throw new McpxError(
      "CONFIG_INVALID",
      `Cannot find a place for ${what}: neither XDG_STATE_HOME nor HOME is set; set one.`,
    );
  }
  return join(home, ".local", "state", "mcpx");
}

async function projectKey(root: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(root));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

interface VaultFile {
  root: string;
  tag: string;
  entries: VaultEntry[];
}

/** A project's vault, kept in `<state>/mcpx/privacy/<hash of the root>.json` (0600). */
export class ProjectVault extends Vault {
  /** A project's vault. */
  override readonly scope = "project" as const;
  /** The file. */
  readonly file: string;
  readonly #root: string;

  private constructor(file: string, root: string, data: Partial<VaultFile>, ttlMs: number) {
    super({
      ttlMs,
      ...(data.tag === undefined ? {} : { tag: data.tag }),
      entries: data.entries ?? [],
    });
    this.file = file;
    this.#root = root;
    if (data.tag === undefined) this.dirty = true;
  }

  /** Opens (or starts) the vault of the project at `root`. */
  static async open(
    root: string,
    env: Readonly<Record<string, string>>,
    ttlMs?: number,
  ): Promise<ProjectVault> {
    const file = join(privacyStateDir(env), `${await projectKey(root)}.json`);
    let data: Partial<VaultFile> = {};
    try {
      data = JSON.parse(await Deno.readTextFile(file)) as VaultFile;
      if (data.root !== root) data = {}; // a hash collision: never share mappings
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) && !(error instanceof SyntaxError)) {
        throw new McpxError(
          "CONFIG_INVALID",
          `Cannot read the privacy vault ${file}: ${(error as Error).message}. Check that ` +
            `${privacyStateDir(env)} is a directory you can read, or set XDG_STATE_HOME.`,
          { cause: error },
        );
      }
    }
    return new ProjectVault(file, root, data, ttlMs ?? 24 * 3600_000);
  }

  /** Writes the vault (0600, directory 0700, atomically) when something changed. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const dir = join(this.file, "..");
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
    const now = Date.now();
    // Another command of this project may have saved since this one opened: keep its entries
    // unless they collide with ours (same placeholder or value), so concurrent commands lose
    // only what they both numbered alike.
    try {
      const disk = JSON.parse(await Deno.readTextFile(this.file)) as Partial<VaultFile>;
      if (disk.root === this.#root) {
        for (const entry of disk.entries ?? []) {
          if (entry.expires <= now || this.byValue.has(entry.value)) continue;
          if (this.byPlaceholder.has(entry.placeholder)) continue;
          this.add({ ...entry });
        }
      }
    } catch {
      // nothing saved yet, or unreadable: this command's entries are written alone
    }
    const data: VaultFile = {
      root: this.#root,
      tag: this.tag,
      entries: [...this.byValue.values()].filter((e) => e.expires > now),
    };
    const temp = `${this.file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(data), { mode: 0o600 });
    await Deno.chmod(temp, 0o600);
    await Deno.rename(temp, this.file);
    this.dirty = false;
  }
}

/** Deletes every project vault (`mcpx privacy --clear`); returns how many files went. */
export async function clearVaults(env: Readonly<Record<string, string>>): Promise<number> {
  const dir = privacyStateDir(env);
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".json")) {
        await Deno.remove(join(dir, entry.name));
        removed++;
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}
