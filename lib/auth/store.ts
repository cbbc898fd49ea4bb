/**
 * Where OAuth state lives: one JSON file per MCP server URL under the user's state directory
 * (`$XDG_STATE_HOME/mcpx/auth/`, else `~/.local/state/mcpx/auth/`), the directory 0700 and every
 * file 0600, never in a project tree. Keyed by URL (a SHA-256 of it), so renaming a server in
 * the config keeps its login. Each record has a lock file; {@linkcode AuthStore.withLock} holds
 * an exclusive `flock` on it, which works across processes and is released by the kernel when
 * its holder dies, so a crashed refresh never leaves a stale lock behind.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { ClientError } from "../errors.ts";
import type { OAuthClientInformationMixed, OAuthDiscoveryState, OAuthTokens } from "./_sdk_auth.ts";

/** Tokens as stored: what the authorization server sent, plus when they were obtained. */
export interface StoredTokens extends OAuthTokens {
  /** Milliseconds since the epoch when the tokens were received. */
  obtainedAt: number;
  /** Milliseconds since the epoch when the access token expires, if the server said. */
  expiresAt?: number;
  /** The client the tokens were issued to. */
  clientId?: string;
}

/** Everything mcpx keeps about one server's OAuth login. */
export interface AuthRecord {
  /** The MCP server URL the record belongs to. */
  serverUrl: string;
  /** The server's name in the config that last used the record (for display only). */
  serverName?: string;
  /** Client information from dynamic registration (pre-registered clients stay in the config). */
  client?: OAuthClientInformationMixed;
  /** Tokens of the current login. */
  tokens?: StoredTokens;
  /** Validated discovery results (authorization server, its metadata, resource metadata). */
  discovery?: OAuthDiscoveryState;
}

/** A record opened under its lock. */
export interface LockedRecord {
  /** The record as stored now (`undefined` when there is none). */
  read(): Promise<AuthRecord | undefined>;
  /** Replaces the record; `undefined` deletes it. */
  write(record: AuthRecord | undefined): Promise<void>;
}

/** How long {@linkcode AuthStore.withLock} waits for another process before giving up. */
const LOCK_WAIT_MS = 60_000;

/**
 * The state directory for OAuth records: `$XDG_STATE_HOME/mcpx/auth` (when absolute, as the XDG
 * specification requires), else `$HOME/.local/state/mcpx/auth`.
 *
 * @example
 * ```ts
 * import { authStateDir } from "./store.ts";
 * console.assert(authStateDir({ XDG_STATE_HOME: "/s" }) === "/s/mcpx/auth");
 * console.assert(authStateDir({ HOME: "/h" }) === "/h/.local/state/mcpx/auth");
 * ```
 */
export function authStateDir(env: Readonly<Record<string, string>>): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg !== "" && isAbsolute(xdg)) return join(xdg, "mcpx", "auth");
  const home = env.HOME ?? env.USERPROFILE;
  if (home === undefined || home === "") {
    throw new ClientError(
      "AUTH_REQUIRED",
      "Cannot find a place for OAuth tokens: neither XDG_STATE_HOME nor HOME is set; set one.",
    );
  }
  return join(home, ".local", "state", "mcpx", "auth");
}

/** The canonical form of a server URL used as the record key (no fragment). */
export function canonicalServerUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = "";
  return parsed.href;
}

async function keyOf(url: string): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalServerUrl(url));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The OAuth records of one user. */
export class AuthStore {
  /** The directory holding the records. */
  readonly dir: string;

  /** A store in `dir` (see {@linkcode authStateDir}); nothing is created until a write. */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** A store in the default state directory for `env`. */
  static forEnv(env: Readonly<Record<string, string>>): AuthStore {
    return new AuthStore(authStateDir(env));
  }

  /** The path of `url`'s record file. */
  async pathOf(url: string): Promise<string> {
    return join(this.dir, `${await keyOf(url)}.json`);
  }

  /** Reads `url`'s record without locking (a write replaces the file atomically). */
  async read(url: string): Promise<AuthRecord | undefined> {
    return await this.#readFile(await this.pathOf(url));
  }

  /** Every record in the store. */
  async list(): Promise<AuthRecord[]> {
    const records: AuthRecord[] = [];
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (!entry.isFile || !entry.name.endsWith(".json")) continue;
        const record = await this.#readFile(join(this.dir, entry.name));
        if (record !== undefined) records.push(record);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return records.sort((a, b) => a.serverUrl.localeCompare(b.serverUrl));
  }

  /** Applies `change` to `url`'s record under its lock; returning `undefined` deletes it. */
  async update(
    url: string,
    change: (record: AuthRecord | undefined) => AuthRecord | undefined,
  ): Promise<AuthRecord | undefined> {
    return await this.withLock(url, async (locked) => {
      const next = change(await locked.read());
      await locked.write(next);
      return next;
    });
  }

  /**
   * Runs `body` holding the exclusive cross-process lock of `url`'s record. Do not call another
   * locking method of the same record inside `body`: the lock is not re-entrant.
   */
  async withLock<T>(url: string, body: (locked: LockedRecord) => Promise<T>): Promise<T> {
    await this.#ensureDir();
    const path = await this.pathOf(url);
    const lockFile = await Deno.open(`${path.slice(0, -".json".length)}.lock`, {
      read: true,
      write: true,
      create: true,
      mode: 0o600,
    });
    try {
      await this.#acquire(lockFile, url);
      const locked: LockedRecord = {
        read: () => this.#readFile(path),
        write: (record) => this.#writeFile(path, record),
      };
      return await body(locked);
    } finally {
      // Closing the descriptor releases the flock.
      lockFile.close();
    }
  }

  async #acquire(file: Deno.FsFile, url: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), LOCK_WAIT_MS);
    });
    try {
      const outcome = await Promise.race([file.lock(true).then(() => "locked" as const), timeout]);
      if (outcome === "timeout") {
        throw new ClientError(
          "AUTH_REQUIRED",
          `Another mcpx process has held the OAuth lock of ${url} for ${LOCK_WAIT_MS / 1000} s; ` +
            `check for a hung mcpx process (the lock is in ${this.dir}).`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async #ensureDir(): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask and does not touch an existing directory.
    await Deno.chmod(this.dir, 0o700);
  }

  async #readFile(path: string): Promise<AuthRecord | undefined> {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    try {
      const record = JSON.parse(text) as AuthRecord;
      return typeof record?.serverUrl === "string" ? record : undefined;
    } catch (cause) {
      throw new ClientError(
        "AUTH_REQUIRED",
        `The OAuth record ${path} is not valid JSON; delete it and run "mcpx auth" again.`,
        { cause },
      );
    }
  }

  async #writeFile(path: string, record: AuthRecord | undefined): Promise<void> {
    if (record === undefined) {
      await Deno.remove(path).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      return;
    }
    await this.#ensureDir();
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeTextFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      await Deno.chmod(temp, 0o600);
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  }

  /**
   * Deletes `url`'s record. The empty lock file stays: removing it could let a process that is
   * waiting on the old file and one that opens a new file hold "the" lock at the same time.
   */
  async remove(url: string): Promise<boolean> {
    return await this.withLock(url, async (locked) => {
      const had = (await locked.read()) !== undefined;
      await locked.write(undefined);
      return had;
    });
  }
}
