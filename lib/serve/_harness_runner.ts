/**
 * Adapts the exec harness (`lib/harness/exec.ts`) to {@linkcode SkillRunner}: the run shares
 * `mcpx serve`'s client manager (connections stay open between runs) and its output is collected
 * instead of printed.
 *
 * @module
 */
import type { McpxConfig } from "../config/types.ts";
import type { ToolCaller } from "../client/types.ts";
import { type ExecOptions, execSkill } from "../harness/exec.ts";
import { execSnippet } from "../harness/snippet.ts";
import type { SkillRunner } from "./backend.ts";

/** A runner that executes skills through the exec harness with the shared `caller`. */
export function harnessRunner(
  config: McpxConfig,
  caller: ToolCaller,
  env: Record<string, string>,
): SkillRunner {
  return {
    async run(request) {
      const stdout = new Collector();
      const stderr = new Collector();
      const options: ExecOptions = {
        config,
        tier: request.tier,
        caller,
        env,
        ...(request.timeoutSeconds === undefined ? {} : { timeoutSeconds: request.timeoutSeconds }),
        ...(request.servers === undefined ? {} : { servers: request.servers }),
        allowNet: request.allowNet,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        ...(request.checkpoint === undefined ? {} : { checkpoint: request.checkpoint }),
        ...(request.boundary === undefined ? {} : { boundary: request.boundary }),
        onStdout: (chunk) => stdout.add(chunk),
        onStderr: (chunk) => stderr.add(chunk),
        ...(request.args === undefined ? {} : { args: { ...request.args } }),
      };
      const result = request.code === undefined
        ? await execSkill(request.path, request.argv, options)
        : await execSnippet(request.code, options);
      return {
        exitCode: result.exitCode,
        stdout: result.help ?? stdout.text(),
        stderr: stderr.text(),
        durationMs: Math.round(result.durationMs),
        timedOut: result.timedOut,
      };
    },
  };
}

class Collector {
  readonly #decoder = new TextDecoder();
  #text = "";

  add(chunk: Uint8Array): void {
    this.#text += this.#decoder.decode(chunk, { stream: true });
  }

  text(): string {
    return this.#text + this.#decoder.decode();
  }
}
