/**
 * `mcpx install` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `install` command. */
export const command: Command = {
  name: "install",
  summary: "",
  help: "mcpx install: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx install is not built yet"));
  },
};
