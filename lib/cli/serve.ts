/**
 * `mcpx serve` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `serve` command. */
export const command: Command = {
  name: "serve",
  summary: "",
  help: "mcpx serve: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx serve is not built yet"));
  },
};
