/**
 * `mcpx generate` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `generate` command. */
export const command: Command = {
  name: "generate",
  summary: "",
  help: "mcpx generate: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx generate is not built yet"));
  },
};
