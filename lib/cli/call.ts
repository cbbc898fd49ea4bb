/**
 * `mcpx call` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `call` command. */
export const command: Command = {
  name: "call",
  summary: "",
  help: "mcpx call: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx call is not built yet"));
  },
};
