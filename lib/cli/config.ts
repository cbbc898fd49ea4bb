/**
 * `mcpx config`: shows which config file is used (or where mcpx looked), the sandbox settings
 * and the resolved servers, secrets masked. Warnings go to stderr.
 *
 * @module
 */
import { type Command, COMMON_HELP, parseCommandArgs } from "./command.ts";
import { UsageError } from "../errors.ts";
import { configReport, formatConfig } from "../config/format.ts";
import { configCandidates, loadConfig } from "../config/load.ts";

const HELP = `mcpx config: show which config file is used and the resolved servers

Usage: mcpx config [--config PATH] [--json]

Looks for the config in this order: --config PATH, $MCPX_CONFIG, ./mcp_config.json, then
$XDG_CONFIG_HOME/mcpx/mcp_config.json (else ~/.config/mcpx/mcp_config.json). Prints the file
used, the sandbox settings and every server (type, command and args or url, cwd, env and headers
with secret-looking values masked). Unknown keys are reported as warnings on stderr.

Exit status: 0 when the config is valid (or absent), 1 when it is invalid, 2 on bad usage.
${COMMON_HELP}`;

/** The `config` command. */
export const command: Command = {
  name: "config",
  summary: "show which config file is used and the resolved servers",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("config", argv, {});
    if (positionals.length > 0) {
      throw new UsageError(
        `mcpx config: unexpected argument "${positionals[0]}". Run "mcpx config --help".`,
      );
    }
    const options = {
      cwd: io.cwd,
      env: io.env,
      ...(values.config === undefined ? {} : { path: values.config }),
    };
    const config = await loadConfig(options);
    const candidates = configCandidates(options);
    for (const warning of config.warnings) io.err(`warning: ${warning}\n`);
    io.out(
      values.json
        ? `${JSON.stringify(configReport(config, { candidates }), null, 2)}\n`
        : formatConfig(config, { candidates }),
    );
    return 0;
  },
};
