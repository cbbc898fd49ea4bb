/**
 * Qualified tool names `server__tool`, as `mcpx call` and MCP clients write them.
 *
 * @module
 */
import { ClientError } from "../errors.ts";

/**
 * Splits `server__tool` at the longest configured server name that prefixes it.
 *
 * @throws {ClientError} `UNKNOWN_SERVER` when no configured server prefixes it.
 *
 * @example
 * ```ts
 * import { splitQualifiedName } from "./qualified_name.ts";
 * const [server, tool] = splitQualifiedName("my__srv__echo", ["my", "my__srv"]);
 * console.assert(server === "my__srv" && tool === "echo");
 * ```
 */
export function splitQualifiedName(name: string, servers: readonly string[]): [string, string] {
  const sorted = [...servers].sort((a, b) => b.length - a.length);
  const server = sorted.find((s) => name.startsWith(`${s}__`) && name.length > s.length + 2);
  if (server === undefined) {
    throw new ClientError(
      "UNKNOWN_SERVER",
      `"${name}" does not start with a configured server name and "__" (configured: ` +
        `${sorted.join(", ") || "none"}); call it as "server__tool" or pass server and tool.`,
      { data: { servers: sorted } },
    );
  }
  return [server, name.slice(server.length + 2)];
}
