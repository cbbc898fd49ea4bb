/**
 * The CLI's side of the boundary: one {@linkcode RunBoundary} per command over the project's
 * vault (when privacy is on).
 *
 * @module
 */
import type { McpxConfig } from "../config/types.ts";
import { RunBoundary } from "./boundary.ts";
import { ProjectVault } from "./vault.ts";

/** A command's boundary and what to do when the command ends. */
export interface CliBoundary {
  /** The boundary. */
  readonly boundary: RunBoundary;
  /** Saves the vault (new placeholders must work in the next command). */
  save(): Promise<void>;
}

/** Opens the project's vault when `config.privacy` is enabled and makes the boundary. */
export async function openCliBoundary(
  config: McpxConfig,
  env: Readonly<Record<string, string>>,
  onWarning: (line: string) => void,
): Promise<CliBoundary> {
  const privacy = config.privacy;
  if (privacy?.enabled !== true) return { boundary: new RunBoundary({ onWarning }), save: noop };
  const vault = await ProjectVault.open(config.root, env, privacy.vaultTtlHours * 3600_000);
  return {
    boundary: new RunBoundary({ privacy, vault, onWarning }),
    async save() {
      try {
        await vault.save();
      } catch (error) {
        onWarning(
          `warning: the privacy vault ${vault.file} could not be saved (${
            (error as Error).message
          }); this command's placeholders will not resolve in the next one`,
        );
      }
    },
  };
}

function noop(): Promise<void> {
  return Promise.resolve();
}
