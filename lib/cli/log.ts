/**
 * `mcpx log [--run ID] [--tail N] [--json]`: reads the audit log (one line per tool call and per
 * run, written by the checkpoint).
 *
 * @module
 */
import { auditPath, type AuditRecord, readAuditLog } from "../checkpoint/audit.ts";
import { UsageError } from "../errors.ts";
import { type Command, COMMON_HELP, loadCommandConfig, parseCommandArgs } from "./command.ts";

const HELP = `mcpx log: show the audit log of tool calls and runs

Usage: mcpx log [--run ID] [--tail N] [--json]

Options:
  --run ID    only this run's lines (the run line and each of its tool calls)
  --tail N    the last N lines (default 50; 0 for all)

Each tool call shows its time, run id, server.tool, the policy decision (allow, approve,
block, denied), the outcome (ok or an error code), duration and result size; each run shows
its kind, caller, skill and exit. The log is $XDG_STATE_HOME/mcpx/audit.jsonl (else
~/.local/state/mcpx/audit.jsonl, or the config's audit.path); --json prints its records as
JSON lines.
${COMMON_HELP}`;

function parseTail(text: string | undefined): number {
  if (text === undefined) return 50;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`mcpx log: --tail must be a whole number of lines, got "${text}".`);
  }
  return n;
}

/** One record as a line for people. */
export function formatAuditRecord(record: AuditRecord): string {
  const when = record.time.replace(/\.\d+Z$/, "Z");
  if (record.type === "run") {
    const what = record.skill ?? "-";
    return `${when}  ${record.run}  run   ${record.kind} ${what}  ${record.outcome}  ` +
      `${record.calls} call(s)  ${record.durationMs}ms  ${record.caller}`;
  }
  const rule = record.rule === undefined ? "" : `  (${record.rule})`;
  return `${when}  ${record.run}  call  ${record.server}.${record.tool}  ${record.decision}  ` +
    `${record.outcome}  ${record.durationMs}ms  ${record.resultBytes}B${rule}`;
}

/** The `log` command. */
export const command: Command = {
  name: "log",
  summary: "show the audit log of tool calls and runs (--run ID, --tail N)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("log", argv, {
      run: { type: "string" },
      tail: { type: "string" },
    });
    if (values.help) {
      io.out(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 0) {
      throw new UsageError(`mcpx log takes no arguments, got "${positionals[0]}". Use --run ID.`);
    }
    const tail = parseTail(values.tail);
    const config = await loadCommandConfig(values, io);
    const audit = config.governance?.audit;
    const path = auditPath(audit, io.env);
    let records = await readAuditLog(path, audit?.keep ?? 3);
    if (values.run !== undefined) records = records.filter((r) => r.run.startsWith(values.run!));
    if (tail > 0) records = records.slice(-tail);
    if (values.json) {
      for (const record of records) io.out(`${JSON.stringify(record)}\n`);
    } else if (records.length === 0) {
      io.err(
        values.run === undefined
          ? `no audit records in ${path} yet\n`
          : `no audit records of run ${values.run} in ${path}\n`,
      );
    } else {
      for (const record of records) io.out(`${formatAuditRecord(record)}\n`);
    }
    return 0;
  },
};
