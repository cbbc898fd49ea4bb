/**
 * The audit log: one JSON line per tool call and per run, appended to
 * `$XDG_STATE_HOME/mcpx/audit.jsonl` (else `~/.local/state/mcpx/audit.jsonl`). The directory is
 * 0700 and the file 0600; each line is one `write` on an `O_APPEND` descriptor, so concurrent
 * writers (several runs, several processes) never interleave within a line. The file is rotated
 * by size (`audit.jsonl.1` … `.keep`). Arguments are kept as a sha-256 digest by default.
 *
 * @module
 */
import { dirname, isAbsolute, join } from "node:path";
import type { AuditArguments, AuditConfig } from "../config/policy_schema.ts";

/** One line of the log. */
export type AuditRecord = CallRecord | RunRecord;

/** Fields every line of the audit log has. */
export interface AuditRecordBase {
  /** ISO time the line was written. */
  readonly time: string;
  /** The run id (shared by a run's line and its calls' lines). */
  readonly run: string;
  /** Who started the run: `cli` or `serve:<session>`. */
  readonly caller: string;
  /** The skill or script path, when the run is one. */
  readonly skill?: string;
  /** sha-256 of the skill's or snippet's source. */
  readonly codeSha256?: string;
}

/** One tool call. */
export interface CallRecord extends AuditRecordBase {
  /** `call`. */
  readonly type: "call";
  /** The server. */
  readonly server: string;
  /** The tool. */
  readonly tool: string;
  /** `sha256:<hex>` of the arguments, their redacted shape, or the arguments themselves. */
  readonly args: unknown;
  /** What the checkpoint decided. */
  readonly decision: "allow" | "approve" | "block" | "denied";
  /** The rule that decided, when one did. */
  readonly rule?: string;
  /** `ok`, or the error code. */
  readonly outcome: string;
  /** Milliseconds, approval wait included. */
  readonly durationMs: number;
  /** Bytes of the result as JSON. */
  readonly resultBytes: number;
}

/** One run (skill, script, snippet, or one `mcpx call`). */
export interface RunRecord extends AuditRecordBase {
  /** `run`. */
  readonly type: "run";
  /** `exec`, `call`, `run_skill` or `execute_code`. */
  readonly kind: string;
  /** `ok`, `exit <n>`, or the error code. */
  readonly outcome: string;
  /** Tool calls the run made. */
  readonly calls: number;
  /** Milliseconds. */
  readonly durationMs: number;
}

/** Where the log lives: `audit.path`, else the user's state directory. */
export function auditPath(
  config: Pick<AuditConfig, "path"> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (config?.path !== undefined) return config.path;
  const xdg = env.XDG_STATE_HOME;
  const state = xdg && isAbsolute(xdg)
    ? xdg
    : join(env.HOME ?? Deno.env.get("HOME") ?? "/tmp", ".local", "state");
  return join(state, "mcpx", "audit.jsonl");
}

/** sha-256 of a string or bytes, hex (Web Crypto: nothing to import, so runs start fast). */
export async function sha256(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return `<array ${value.length}>`;
  if (value === null) return null;
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  if (typeof value === "string") return `<string ${value.length}>`;
  return `<${typeof value}>`;
}

/** The arguments as the audit mode keeps them. */
export async function auditArguments(
  args: Readonly<Record<string, unknown>>,
  mode: AuditArguments,
): Promise<unknown> {
  if (mode === "full") return args;
  if (mode === "redacted") return redact(args);
  return `sha256:${await sha256(JSON.stringify(args) ?? "")}`;
}

/**
 * An append-only writer. Writes are queued in order and never block a tool call; `flush()`
 * waits for them. A failure to write is reported once through `onError`, never thrown into a
 * run.
 */
export class AuditLog {
  /** The log file. */
  readonly path: string;
  readonly #config: Pick<AuditConfig, "maxBytes" | "keep">;
  readonly #onError: (message: string) => void;
  #queue: Promise<void> = Promise.resolve();
  #reported = false;
  #pending = 0;
  #file: Deno.FsFile | undefined;
  #size = 0;

  /** A log at `path`, rotated per `config`. */
  constructor(
    path: string,
    config: Pick<AuditConfig, "maxBytes" | "keep">,
    onError: (message: string) => void = () => {},
  ) {
    this.path = path;
    this.#config = config;
    this.#onError = onError;
  }

  /** Queues one line; a function is called in the queue, off the caller's path. */
  append(record: AuditRecord | (() => Promise<AuditRecord>)): void {
    this.#pending++;
    this.#queue = this.#queue.then(async () => {
      const value = typeof record === "function" ? await record() : record;
      await this.#write(new TextEncoder().encode(`${JSON.stringify(value)}\n`));
    }).catch((error) => {
      this.#close();
      if (this.#reported) return;
      this.#reported = true;
      this.#onError(
        `cannot write the audit log ${this.path}: ${(error as Error).message} ` +
          '(set "audit": { "path": … } in the config, or fix the directory\'s permissions)',
      );
    }).finally(() => {
      // The file stays open while lines are queued (a burst of calls), and no longer.
      if (--this.#pending === 0) this.#close();
    });
  }

  /** Resolves when every queued line is written and the file is closed. */
  flush(): Promise<void> {
    return this.#queue;
  }

  async #write(line: Uint8Array): Promise<void> {
    if (this.#file !== undefined && this.#size + line.length > this.#config.maxBytes) {
      this.#close();
    }
    if (this.#file === undefined) {
      await Deno.mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await this.#rotate(line.length);
      this.#file = await Deno.open(this.path, { append: true, create: true, mode: 0o600 });
      this.#size = (await this.#file.stat()).size;
    }
    // One write call per line: O_APPEND makes it atomic with respect to other appenders.
    const written = await this.#file.write(line);
    this.#size += written;
    if (written !== line.length) throw new Error(`short write (${written} of ${line.length})`);
  }

  #close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  async #rotate(adding: number): Promise<void> {
    let size: number;
    try {
      size = (await Deno.stat(this.path)).size;
    } catch {
      return;
    }
    if (size + adding <= this.#config.maxBytes) return;
    const keep = this.#config.keep;
    if (keep === 0) {
      await Deno.remove(this.path).catch(() => {});
      return;
    }
    for (let i = keep - 1; i >= 1; i--) {
      await Deno.rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => {});
    }
    // Another writer may have rotated first: then there is nothing to move.
    await Deno.rename(this.path, `${this.path}.1`).catch(() => {});
  }
}

/** Reads every record of the log and its rotated files, oldest first. Bad lines are skipped. */
export async function readAuditLog(path: string, keep = 3): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  const files = [...Array.from({ length: keep }, (_, i) => `${path}.${keep - i}`), path];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        // A torn or foreign line; the rest is still readable.
      }
    }
  }
  return records;
}
