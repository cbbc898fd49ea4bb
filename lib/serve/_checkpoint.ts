/**
 * How a run started through `mcpx serve` meets the checkpoint: its caller is the MCP session,
 * and approvals go to the client through elicitation when it declared the capability.
 *
 * @module
 */
// @ts-types="@modelcontextprotocol/sdk/server/index"
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { elicitationApprover } from "../checkpoint/approval.ts";
import type { RunCheckpointOptions } from "../checkpoint/run.ts";

/** The checkpoint options of one `run_skill` or `execute_code` request. */
export function serveCheckpoint(
  server: Server,
  request: { sessionId?: string | undefined; requestId: string | number },
  kind: "run_skill" | "execute_code",
): RunCheckpointOptions {
  return {
    kind,
    caller: `serve:${request.sessionId ?? "stdio"}`,
    approver: elicitationApprover(server, { relatedRequestId: request.requestId }),
    approveHint: "this MCP client cannot be asked (it does not support elicitation), so the " +
      'operator of mcpx serve must allow it in mcp_config.json, e.g. "policies": ' +
      '{ "<server>.<tool>": "allow" }',
  };
}
