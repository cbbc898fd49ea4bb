/**
 * One `tools/call` through the SDK: a plain request, or, for tools that require task-based
 * execution (`execution.taskSupport: "required"`), the SDK's experimental task stream.
 *
 * @module
 */
import type { Client } from "./_sdk.ts";
import { CallToolResultSchema } from "./_sdk.ts";
import type { RawToolResult } from "./result.ts";
import type { CallToolOptions, ToolInfo } from "./types.ts";

/** How a call ended. */
export type CallOutcome =
  | { readonly ok: true; readonly result: RawToolResult }
  | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean };

/** Options for {@linkcode runToolCall}. */
export interface RunCallOptions extends Pick<CallToolOptions, "signal" | "onProgress"> {
  /** Deadline of the whole call. */
  readonly timeoutMs: number;
}

function requiresTask(tool: ToolInfo): boolean {
  const execution = tool.execution as { taskSupport?: unknown } | undefined;
  return execution?.taskSupport === "required";
}

/** Runs one call and reports how it ended (never throws). */
export async function runToolCall(
  client: Client,
  tool: ToolInfo,
  args: Record<string, unknown>,
  options: RunCallOptions,
): Promise<CallOutcome> {
  if (options.signal?.aborted) {
    return { ok: false, error: options.signal.reason, timedOut: false };
  }
  const onProgress = options.onProgress;
  const requestOptions = {
    timeout: options.timeoutMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(onProgress === undefined ? {} : {
      onprogress: (
        p: { progress: number; total?: number | undefined; message?: string | undefined },
      ) =>
        onProgress({
          progress: p.progress,
          ...(p.total === undefined ? {} : { total: p.total }),
          ...(p.message === undefined ? {} : { message: p.message }),
        }),
    }),
  };
  const params = { name: tool.name, arguments: args };
  if (!requiresTask(tool)) {
    try {
      const result = await client.callTool(params, CallToolResultSchema, requestOptions);
      return { ok: true, result: result as RawToolResult };
    } catch (error) {
      return { ok: false, error, timedOut: false };
    }
  }
  return await runTaskCall(client, params, options, requestOptions);
}

async function runTaskCall(
  client: Client,
  params: { name: string; arguments: Record<string, unknown> },
  options: RunCallOptions,
  requestOptions: { timeout: number },
): Promise<CallOutcome> {
  // Each request of a task (create, poll, result) has its own SDK timeout; the deadline of the
  // whole call is ours.
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort(new Error(`timed out after ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const signal = options.signal === undefined
    ? deadline.signal
    : AbortSignal.any([deadline.signal, options.signal]);
  let taskId: string | undefined;
  try {
    const stream = client.experimental.tasks.callToolStream(params, CallToolResultSchema, {
      ...requestOptions,
      signal,
    });
    for await (const message of stream) {
      if (message.type === "taskCreated") taskId = message.task.taskId;
      if (message.type === "result") return { ok: true, result: message.result as RawToolResult };
      if (message.type === "error") return { ok: false, error: message.error, timedOut };
    }
    return { ok: false, error: new Error("the task stream ended without a result"), timedOut };
  } catch (error) {
    return { ok: false, error, timedOut };
  } finally {
    clearTimeout(timer);
    if (signal.aborted && taskId !== undefined) {
      await client.experimental.tasks.cancelTask(taskId, { timeout: 1000 }).catch(() => {});
    }
  }
}
