/**
 * `mcpx servers` (not built yet).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { McpxError } from "../errors.ts";

/** The `servers` command. */
export const command: Command = {
  name: "servers",
  summary: "",
  help: "mcpx servers: not built yet",
  run() {
    return Promise.reject(new McpxError("INTERNAL", "mcpx servers is not built yet"));
  },
};
