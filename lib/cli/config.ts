/**
 * `mcpx config` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `config` command. */
export const command: Command = {
  name: "config",
  summary: "",
  help: "mcpx config: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx config is not built yet"));
  },
};
