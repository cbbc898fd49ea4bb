/**
 * Adapts the exec harness (`lib/harness/exec.ts`) to {@linkcode SkillRunner}.
 *
 * @module
 */
import type { McpxConfig } from "../config/types.ts";
import type { McpClientManager } from "../client/manager.ts";
import { McpxError } from "../errors.ts";
import type { SkillRunner } from "./backend.ts";

/** A runner that executes skills through the exec harness with the shared client manager. */
export function harnessRunner(
  _config: McpxConfig,
  _manager: McpClientManager,
  _env: Record<string, string>,
): SkillRunner {
  return {
    run: () =>
      Promise.reject(
        new McpxError("INTERNAL", "The exec harness is not built yet; run_skill is unavailable."),
      ),
  };
}
