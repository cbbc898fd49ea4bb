/**
 * Approvals: a call whose policy says `approve` waits for a person. The CLI asks on the
 * harness's terminal (`/dev/tty`, or stdin when it is a terminal; never through the sandbox);
 * `mcpx serve` asks the MCP client through elicitation. Without a way to ask, the call fails
 * with `APPROVAL_REQUIRED` saying how to pre-approve.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/index"
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { McpxError } from "../errors.ts";

/** What a person is asked to approve. */
export interface ApprovalRequest {
  /** The server. */
  readonly server: string;
  /** The tool. */
  readonly tool: string;
  /** The call's arguments (shown truncated). */
  readonly args: Readonly<Record<string, unknown>>;
  /** The rule that asks for approval, e.g. `policy "filesystem.write_*"`. */
  readonly rule: string | undefined;
  /** The config file the rule is in. */
  readonly file: string;
  /** Aborted when the call is cancelled (the run ended): stop asking. */
  readonly signal?: AbortSignal | undefined;
}

/** Asks a person; resolves `true` when the call is approved, `false` when refused, and
 * `undefined` when there is no one to ask (the call then fails with `APPROVAL_REQUIRED`). */
export type Approver = (request: ApprovalRequest) => Promise<boolean | undefined>;

// Control characters, and the bidirectional overrides that reorder what a terminal shows.
// deno-lint-ignore no-control-regex -- control characters are what this escapes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control and bidi-override characters shown as `\uXXXX`: code in a run chooses
 * the tool name and arguments, and must not be able to redraw the question. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The arguments as one line of JSON, cut to `max` characters. */
export function previewArguments(args: Readonly<Record<string, unknown>>, max = 200): string {
  const text = visibleText(JSON.stringify(args) ?? "{}");
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** The question, as shown on a terminal or in an elicitation. */
export function approvalQuestion(request: ApprovalRequest): string {
  const why = request.rule === undefined ? "" : ` (${request.rule} in ${request.file})`;
  return `Approve the tool call ${visibleText(`${request.server}.${request.tool}`)}${why}?\n` +
    `  arguments: ${previewArguments(request.args)}`;
}

/** A line-oriented terminal: where the question is written and the answer read. */
export interface PromptTerminal {
  /** Writes the question. */
  write(text: string): Promise<void>;
  /** Reads one line; `undefined` at end of input. */
  readLine(): Promise<string | undefined>;
  /** Releases the terminal. */
  close(): void;
}

/** Opens the harness's terminal: `/dev/tty`, else stdin/stderr when stdin is a terminal. */
export function openTerminal(): PromptTerminal | undefined {
  let tty: Deno.FsFile | undefined;
  try {
    tty = Deno.openSync("/dev/tty", { read: true, write: true });
  } catch {
    tty = undefined;
  }
  if (tty === undefined && !Deno.stdin.isTerminal()) return undefined;
  const input = tty ?? Deno.stdin;
  const output = tty ?? Deno.stderr;
  const encoder = new TextEncoder();
  return {
    async write(text) {
      const bytes = encoder.encode(text);
      for (let done = 0; done < bytes.length;) done += await output.write(bytes.subarray(done));
    },
    async readLine() {
      const bytes: number[] = [];
      const one = new Uint8Array(1);
      while (true) {
        const n = await input.read(one);
        if (n === null) {
          return bytes.length === 0 ? undefined : new TextDecoder().decode(new Uint8Array(bytes));
        }
        if (one[0] === 10) return new TextDecoder().decode(new Uint8Array(bytes));
        bytes.push(one[0]!);
      }
    },
    close: () => tty?.close(),
  };
}

/**
 * An approver that asks on a terminal, one question at a time (concurrent calls queue). The
 * terminal is opened at the first question; without one it answers `undefined` (nobody to ask).
 * `y` or `yes` approves; anything else denies.
 *
 * @example
 * ```ts ignore
 * import { terminalApprover } from "./approval.ts";
 * const approver = terminalApprover();
 * ```
 */
export function terminalApprover(
  open: () => PromptTerminal | undefined = openTerminal,
): Approver {
  let terminal: PromptTerminal | undefined | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const ask = async (request: ApprovalRequest) => {
    if (terminal === null) terminal = open();
    if (terminal === undefined) return undefined;
    await terminal.write(`\nmcpx: ${approvalQuestion(request)}\n  [y/N] `);
    const answer = (await terminal.readLine())?.trim().toLowerCase();
    return answer === "y" || answer === "yes";
  };
  return (request) => {
    const asked = queue.then(() => ask(request));
    queue = asked.catch(() => {});
    return asked;
  };
}

/**
 * An approver that asks the MCP client through `elicitation/create`, or `undefined` when the
 * connected client did not declare the elicitation capability. `relatedRequestId` (the
 * `tools/call` being served) sends the question on that request's stream over HTTP.
 */
export function elicitationApprover(
  server: Server,
  options: { relatedRequestId?: string | number } = {},
): Approver | undefined {
  if (server.getClientCapabilities()?.elicitation === undefined) return undefined;
  return async (request) => {
    let result;
    try {
      result = await server.elicitInput(
        {
          message: approvalQuestion(request),
          requestedSchema: {
            type: "object",
            properties: {
              approve: { type: "boolean", title: "Approve this call", default: true },
            },
          },
        },
        {
          ...(options.relatedRequestId === undefined
            ? {}
            : { relatedRequestId: options.relatedRequestId }),
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        },
      );
    } catch (cause) {
      throw new McpxError(
        "APPROVAL_REQUIRED",
        `${request.server}.${request.tool} needs approval and the MCP client did not answer the ` +
          `question (${(cause as Error).message}); ask again, or have the operator allow it in ` +
          `${request.file}.`,
        { cause },
      );
    }
    return result.action === "accept" && result.content?.approve !== false;
  };
}
