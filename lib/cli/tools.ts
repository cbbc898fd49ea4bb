/**
 * `mcpx tools` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `tools` command. */
export const command: Command = {
  name: "tools",
  summary: "",
  help: "mcpx tools: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx tools is not built yet"));
  },
};
