/**
 * `mcpx doctor` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `doctor` command. */
export const command: Command = {
  name: "doctor",
  summary: "",
  help: "mcpx doctor: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx doctor is not built yet"));
  },
};
