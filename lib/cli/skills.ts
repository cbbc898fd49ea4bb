/**
 * `mcpx skills` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `skills` command. */
export const command: Command = {
  name: "skills",
  summary: "",
  help: "mcpx skills: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx skills is not built yet"));
  },
};
