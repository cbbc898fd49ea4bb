/**
 * `mcpx privacy [--clear [--all]]`: where this project's placeholder vault is, how many entries
 * it holds, and clearing it.
 *
 * @module
 */
import { type Command, COMMON_HELP, loadCommandConfig, parseCommandArgs } from "./command.ts";
import { UsageError } from "../errors.ts";
import { clearVaults, ProjectVault } from "../privacy/vault.ts";

const HELP = `mcpx privacy: the placeholder vault of this project

Usage:
  mcpx privacy            show whether privacy is on, the vault file and its live entries
  mcpx privacy --clear    delete this project's vault (its placeholders stop resolving)
  mcpx privacy --clear --all   delete the vaults of every project

With "privacy" on in the config, personal data leaving a run towards the model is replaced by
placeholders such as [EMAIL_1_k3q9]; the vault maps them back for the next command. It lives in
$XDG_STATE_HOME/mcpx/privacy (else ~/.local/state/mcpx/privacy), one 0600 file per project;
entries expire (privacy.vault_ttl_hours, default 24) after their last use. See docs/privacy.md.
${COMMON_HELP}`;

/** The `privacy` command. */
export const command: Command = {
  name: "privacy",
  summary: "show or clear the placeholder vault of PII tokenization",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("privacy", argv, {
      clear: { type: "boolean" },
      all: { type: "boolean" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 0) {
      throw new UsageError(`mcpx privacy takes no arguments, got "${positionals[0]}".`);
    }
    if (values.all && !values.clear) {
      throw new UsageError("mcpx privacy: --all goes with --clear (mcpx privacy --clear --all).");
    }
    if (values.clear && values.all) {
      const removed = await clearVaults(io.env);
      io.out(`cleared ${removed} vault(s)\n`);
      return 0;
    }
    const config = await loadCommandConfig(values, io);
    const privacy = config.privacy;
    const vault = await ProjectVault.open(
      config.root,
      io.env,
      (privacy?.vaultTtlHours ?? 24) * 3600_000,
    );
    if (values.clear) {
      await Deno.remove(vault.file).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      io.out(`cleared the vault of ${config.root}\n`);
      return 0;
    }
    const state = {
      enabled: privacy?.enabled === true,
      project: config.root,
      vault: vault.file,
      entries: vault.size,
      detectors: privacy?.detectors ?? [],
      patterns: (privacy?.patterns ?? []).map((p) => p.label),
    };
    io.out(
      values.json ? `${JSON.stringify(state, null, 2)}\n` : [
        `privacy: ${state.enabled ? "on" : 'off (turn it on with "privacy": true in the config)'}`,
        `vault: ${state.vault} (${state.entries} live entries)`,
        `detectors: ${state.detectors.join(", ")}`,
        ...(state.patterns.length > 0 ? [`custom patterns: ${state.patterns.join(", ")}`] : []),
      ].join("\n") + "\n",
    );
    return 0;
  },
};
