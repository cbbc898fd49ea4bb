/**
 * `mcpx config`: shows which config file is used (or where mcpx looked), the sandbox settings
 * and the resolved servers, secrets masked; `--sources` lists every client config on this
 * machine and project; `import <client>` makes a client's servers mcpx's. Warnings go to stderr.
 *
 * @module
 */
import { join } from "node:path";
import { type Command, COMMON_HELP, parseCommandArgs } from "./command.ts";
import { UsageError } from "../errors.ts";
import { configReport, formatConfig, formatSources, sourcesReport } from "../config/format.ts";
import { FORMATS } from "../config/formats/mod.ts";
import { importClient } from "../config/import.ts";
import { configCandidates, loadConfig } from "../config/load.ts";
import { displayConfigPath } from "../config/parse.ts";
import { findSources } from "../config/sources.ts";

const CLIENTS = FORMATS.filter((f) => f.id !== "mcpx").map((f) => f.id).join(", ");

/** `text` in lines of at most `width` characters, each indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines.map((l) => `${" ".repeat(indent)}${l}`).join("\n");
}

const HELP = `mcpx config: show which config file is used and the resolved servers

Usage: mcpx config [--config PATH] [--json]
       mcpx config --sources [--json]
       mcpx config import <client> [--copy] [--force] [--json]

Looks for the config in this order: --config PATH, $MCPX_CONFIG, ./mcp_config.json, then
$XDG_CONFIG_HOME/mcpx/mcp_config.json (else ~/.config/mcpx/mcp_config.json). The first found is
used; other clients' files are read only when imported. --config also reads any client's file
as it is (Claude Code, Cursor, VS Code, Windsurf, Gemini CLI, Codex, opencode). Prints the file
used, the sandbox settings and every server (type, command and args or url, cwd, env and headers
with secret-looking values masked). Unknown keys are reported as warnings on stderr.

Options:
  --sources   list every client config found in this project and home folder, and its servers
  import <client>
              make a client's servers mcpx's: by default adds the client to "imports" (its
              own files are read live; mcp_config.json's entries win by name); with --copy,
              writes its entries into mcpServers, refusing a different same-named server
              unless --force. Clients:
${wrap(CLIENTS, 14, 96)}

Exit status: 0 when the config is valid (or absent), 1 when it is invalid, 2 on bad usage.
${COMMON_HELP}`;

/** The `config` command. */
export const command: Command = {
  name: "config",
  summary: "show the config in use, list other clients' configs, import them",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("config", argv, {
      sources: { type: "boolean" },
      copy: { type: "boolean" },
      force: { type: "boolean" },
    });
    const [action, client, extra] = positionals;
    const unexpected = action !== undefined && action !== "import" ? action : extra;
    if (unexpected !== undefined) {
      throw new UsageError(
        `mcpx config: unexpected argument "${unexpected}". Run "mcpx config --help".`,
      );
    }
    const options = {
      cwd: io.cwd,
      env: io.env,
      ...(values.config === undefined ? {} : { path: values.config }),
    };
    if (action === "import") {
      if (client === undefined) {
        throw new UsageError(`mcpx config import: name a client (${CLIENTS}).`);
      }
      const used = configCandidates(options).find((c) => c.required || existsSync(c.path));
      const target = used?.path ?? join(io.cwd, "mcp_config.json");
      const result = await importClient(client, {
        target,
        cwd: io.cwd,
        env: io.env,
        copy: values.copy ?? false,
        force: values.force ?? false,
      });
      const shown = displayConfigPath(result.target, io.cwd);
      if (values.json) io.out(`${JSON.stringify({ ...result, target: shown }, null, 2)}\n`);
      else {
        const how = values.copy ? "copied into" : "imported live by";
        const parts = [
          result.added.length > 0 ? `${result.added.join(", ")} ${how} ${shown}` : "",
          result.replaced.length > 0 ? `replaced ${result.replaced.join(", ")}` : "",
          result.unchanged.length > 0 ? `already there: ${result.unchanged.join(", ")}` : "",
          result.shadowed.length > 0
            ? `kept ${shown}'s own ${result.shadowed.join(", ")} (same name)`
            : "",
        ].filter(Boolean);
        io.out(`${parts.join("; ") || "nothing to import"} (from ${result.sources.join(", ")})\n`);
      }
      return 0;
    }
    if (values.copy || values.force) {
      throw new UsageError('mcpx config: --copy and --force belong to "mcpx config import".');
    }
    const config = await loadConfig(options);
    const candidates = configCandidates(options);
    for (const warning of config.warnings) io.err(`warning: ${warning}\n`);
    if (values.sources) {
      const sources = await findSources({ cwd: io.cwd, env: io.env });
      io.out(
        values.json
          ? `${JSON.stringify(sourcesReport(sources, config, io.cwd), null, 2)}\n`
          : formatSources(sources, config, { candidates, cwd: io.cwd }),
      );
      return 0;
    }
    io.out(
      values.json
        ? `${JSON.stringify(configReport(config, { candidates }), null, 2)}\n`
        : formatConfig(config, { candidates }),
    );
    return 0;
  },
};

function existsSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
