/**
 * `mcpx discover` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `discover` command. */
export const command: Command = {
  name: "discover",
  summary: "",
  help: "mcpx discover: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx discover is not built yet"));
  },
};
