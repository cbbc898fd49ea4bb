/**
 * `mcpx exec` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `exec` command. */
export const command: Command = {
  name: "exec",
  summary: "",
  help: "mcpx exec: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx exec is not built yet"));
  },
};
