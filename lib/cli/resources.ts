/**
 * `mcpx resources <server> [uri] [--out FILE] [--json]`: list one server's resources (and
 * resource templates), or read one.
 *
 * @module
 */
import { McpClientManager } from "../client/manager.ts";
import { contentBytes, formatReadResult, formatResourceList } from "../client/format_resources.ts";
import { UsageError } from "../errors.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers, takeServer } from "./adhoc.ts";
import { type Command, COMMON_HELP, parseCommandArgs } from "./command.ts";
import { parseTimeoutMs, TIMEOUT_HELP } from "./_timeout.ts";
import { resolve } from "node:path";

const HELP = `mcpx resources: list one server's resources, or read one

Usage:
  mcpx resources <server>                 list resources and resource templates
  mcpx resources <server> <uri>           read one (text printed as is)
  mcpx resources <server> <uri> --out F   write its bytes to F (text or decoded blob)

Options:
  --out FILE          write the resource's content to FILE instead of printing it
${TIMEOUT_HELP}
${ADHOC_HELP}
${COMMON_HELP}

Listing columns: name, URI, MIME type, description. A template's URI has {placeholders}: fill
them in and read the result, e.g. mcpx resources everything demo://resource/dynamic/text/1.
Binary content is shown as one line ([resource URI (MIME, N bytes)]); --json prints the whole
result (blobs as base64).`;

/** The `resources` command. */
export const command: Command = {
  name: "resources",
  summary: "list one server's resources, or read one: mcpx resources <server> [uri]",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("resources", argv, {
      ...ADHOC_OPTIONS,
      out: { type: "string" },
      "timeout-ms": { type: "string" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    const timeoutMs = parseTimeoutMs(values["timeout-ms"], "resources");
    const { config, adhoc } = await loadCommandServers(values, io);
    const server = takeServer(positionals, adhoc, "resources");
    if (positionals.length > 1) {
      throw new UsageError(
        `mcpx resources takes a server and at most one URI, got also "${positionals[1]}".`,
      );
    }
    const uri = positionals[0];
    if (uri === undefined && values.out !== undefined) {
      throw new UsageError(
        `mcpx resources: --out needs a URI to read; run "mcpx resources ${server}".`,
      );
    }
    const options = { signal: io.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
    const manager = new McpClientManager({ config });
    try {
      if (uri === undefined) {
        const [resources, templates] = await Promise.all([
          manager.listResources(server, options),
          manager.listResourceTemplates(server, options),
        ]);
        if (values.json) {
          io.out(`${JSON.stringify({ resources, resourceTemplates: templates }, null, 2)}\n`);
        } else if (resources.length === 0 && templates.length === 0) {
          io.out(`Server "${server}" offers no resources.\n`);
        } else {
          io.out(formatResourceList(resources, templates));
        }
        return 0;
      }
      const result = await manager.readResource(server, uri, options);
      if (values.out !== undefined) {
        const [item, ...more] = result.contents;
        if (item === undefined || more.length > 0) {
          throw new UsageError(
            `mcpx resources: "${uri}" returned ${result.contents.length} items; --out writes ` +
              "exactly one. Use --json to see them all.",
          );
        }
        const path = resolve(io.cwd, values.out);
        const bytes = contentBytes(item);
        await Deno.writeFile(path, bytes);
        io.err(`wrote ${bytes.length} bytes (${item.mimeType ?? "unknown type"}) to ${path}\n`);
        return 0;
      }
      io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatReadResult(result));
      return 0;
    } finally {
      await manager.cleanup();
    }
  },
};
