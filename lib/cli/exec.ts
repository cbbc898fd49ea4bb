/**
 * `mcpx exec [harness options] <skill-or-script> [skill options]`: runs a skill or a plain
 * script in a sandbox. Options before the path belong to the harness, everything after it to
 * the skill.
 *
 * @module
 */
import { isTier, type Tier, TIER_NAMES } from "../sandbox/registry.ts";
import { SkillError, UsageError } from "../errors.ts";
import { type ExecOptions, execSkill } from "../harness/exec.ts";
import { type Command, COMMON_HELP, parseCommandArgs } from "./command.ts";
import { ADHOC_HELP, ADHOC_OPTIONS, loadCommandServers } from "./adhoc.ts";
import { inDaemon, type PooledIo } from "../client/pooled.ts";
import { V8FatalFilter } from "./_v8_fatal_filter.ts";
import { terminalApprover } from "../checkpoint/approval.ts";
import { openCliBoundary } from "../privacy/cli.ts";
import { openTokenizer } from "../tokens/tokenizer.ts";

const HELP = `mcpx exec: run a skill or script in a sandbox

Usage: mcpx exec [harness options] <skill-or-script> [skill options]

Options before the path are mcpx's; everything after the path goes to the skill
("mcpx exec skills/fetch.ts --help" prints the skill's USAGE), except --allow-net,
--allow-read and --allow-write, which are mcpx's wherever they appear.
The path is tried relative to the current directory, then in <project>/skills/.

Harness options:
  --tier ${TIER_NAMES.join("|")}  sandbox tier (default: the config's sandbox.tier);
                              trusted runs with full privileges and says so
  --timeout SECONDS           wall-clock limit (default sandbox.timeout, at most sandbox.max_timeout)
  --allow-net HOST[:PORT]     let the skill reach this host too (repeatable); the only way to
                              reach a private or loopback address such as 127.0.0.1:8080
  --allow-read PATH           let the skill read this path too (repeatable)
  --allow-write PATH          let the skill write this path too (repeatable)
  --servers a,b               servers a plain script may call; for a skill, narrows its servers
${ADHOC_HELP}
  The ad-hoc server joins the configured ones for this run only; a script may call it only
  when --servers names it, a skill only when it declares it.
  --approve GLOB              pre-approve calls to server.tool names matching GLOB for this run
                              (repeatable); other calls a policy marks "approve" are asked on
                              the terminal, or fail with APPROVAL_REQUIRED without one

Exit status: the skill's own; 124 on timeout; 130 when interrupted; 2 for bad usage or
invalid skill arguments (nothing is run); 1 when mcpx itself fails.
With --json, stdout is one JSON object:
  { exitCode, stdout, stderr, durationMs, toolCalls, timedOut, truncated, killed?, tier, runId,
    tokens: { toolResults, output, saved, tokenizer } }
  (killed: "timeout", "memory" or "signal" when the sandbox ended the run; runId: the run's
  id in the audit log, for "mcpx log --run ID"; tokens: what the tool results cost versus
  what the output costs; every run is also added to the runs file, see "mcpx tokens --runs")
With "privacy" on in the config, personal data in stdout and stderr is replaced by
placeholders, and placeholders in the skill's arguments are restored (docs/privacy.md).
${COMMON_HELP}`;

const OPTIONS = {
  ...ADHOC_OPTIONS,
  tier: { type: "string" },
  timeout: { type: "string" },
  "allow-net": { type: "string", multiple: true },
  "allow-read": { type: "string", multiple: true },
  "allow-write": { type: "string", multiple: true },
  servers: { type: "string" },
  approve: { type: "string", multiple: true },
} as const;

const TAKES_VALUE = new Set([
  "--tier",
  "--timeout",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--servers",
  "--approve",
  "--config",
  ...Object.keys(ADHOC_OPTIONS).map((name) => `--${name}`),
]);

/** Harness options accepted after the skill path too (`mcpx exec s.ts --url … --allow-net h`):
 * they are reserved, so no skill may define them. */
const RESERVED_AFTER_PATH = new Set(["--allow-net", "--allow-read", "--allow-write"]);

function pullReserved(skillArgv: readonly string[]): [string[], string[]] {
  const harness: string[] = [];
  const skill: string[] = [];
  for (let i = 0; i < skillArgv.length; i++) {
    const word = skillArgv[i]!;
    if (word === "--") {
      skill.push(...skillArgv.slice(i));
      break;
    }
    const name = word.split("=")[0]!;
    if (!RESERVED_AFTER_PATH.has(name)) {
      skill.push(word);
    } else if (word.includes("=")) {
      harness.push(word);
    } else {
      harness.push(word, ...skillArgv.slice(i + 1, i + 2));
      i++;
    }
  }
  return [harness, skill];
}

/**
 * Splits argv at the skill path: `[harness options, path, skill argv]`. Options before the
 * path are the harness's; after it, everything is the skill's except the reserved
 * `--allow-net`, `--allow-read` and `--allow-write`.
 *
 * @example
 * ```ts
 * import { splitExecArgv } from "./exec.ts";
 * const [harness, path, skill] = splitExecArgv(["--json", "s.ts", "--url", "u", "--allow-net", "h"]);
 * console.assert(path === "s.ts" && skill.length === 2 && harness.length === 3);
 * ```
 */
export function splitExecArgv(argv: readonly string[]): [string[], string | undefined, string[]] {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const atPath = word === "--" ? i + 1 : word.startsWith("-") ? -1 : i;
    if (atPath !== -1) {
      const [reserved, skill] = pullReserved(argv.slice(atPath + 1));
      return [[...argv.slice(0, i), ...reserved], argv[atPath], skill];
    }
    if (TAKES_VALUE.has(word)) i++;
  }
  return [[...argv], undefined, []];
}

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, got "${text}".`);
  }
  return value;
}

/** The `exec` command. */
export const command: Command = {
  name: "exec",
  summary: "run a skill or script in a sandbox: mcpx exec skills/fetch.ts --url …",
  help: HELP,
  options: OPTIONS,
  ownArgvEnd(argv) {
    // The skill's own arguments (its --help included) start after the path.
    for (let i = 0; i < argv.length; i++) {
      const word = argv[i]!;
      if (word === "--" || !word.startsWith("-")) return i;
      if (TAKES_VALUE.has(word)) i++;
    }
    return argv.length;
  },
  async run(argv, io) {
    const [harnessArgv, path, skillArgv] = splitExecArgv(argv);
    const { values } = parseCommandArgs("exec", harnessArgv, OPTIONS, { allowPositionals: false });
    if (values.help) {
      io.out(HELP.endsWith("\n") ? HELP : `${HELP}\n`);
      return 0;
    }
    if (path === undefined) {
      throw new UsageError('mcpx exec: missing the skill or script path. Run "mcpx exec --help".');
    }
    if (values.tier !== undefined && !isTier(values.tier)) {
      throw new UsageError(`--tier must be one of ${TIER_NAMES.join(", ")}, got "${values.tier}".`);
    }
    // The tokenizer loads (in a Worker) while the config loads and the sandbox runs.
    using tokenizer = openTokenizer();
    const { config } = await loadCommandServers(values, io);
    const json = values.json === true;
    const out: string[] = [];
    const err: string[] = [];
    const outDecoder = new TextDecoder();
    const errDecoder = new TextDecoder();
    const env = io.env;
    const { boundary, save } = await openCliBoundary(config, env, (line) => io.err(`${line}\n`));
    const outMask = boundary.stream();
    const errMask = boundary.stream();
    // Without --verbose, V8's fatal report (heap OOM) is dropped; mcpx's one-line notice stays.
    const errFilter = new V8FatalFilter((text) => json ? err.push(text) : io.err(text));
    const seen: string[] = [];
    const emitOut = (text: string) => {
      seen.push(text);
      if (json) out.push(text);
      else if (text !== "") io.out(text);
    };
    const emitErr = (text: string) => {
      seen.push(text);
      if (values.verbose !== true) errFilter.push(text);
      else if (json) err.push(text);
      else if (text !== "") io.err(text);
    };
    const timeoutSeconds = parseTimeout(values.timeout);
    const options: ExecOptions = {
      config,
      cwd: io.cwd,
      env: io.env,
      signal: io.signal,
      // daemon wiring: inside `mcpx daemon`, the run's bridge forwards to the warm shared manager
      // (the run's allowlist still applies: the bridge enforces it per run).
      ...((io as PooledIo).pool?.caller(config) ?? {}),
      verbose: values.verbose === true,
      allowNet: values["allow-net"] ?? [],
      allowRead: values["allow-read"] ?? [],
      allowWrite: values["allow-write"] ?? [],
      checkpoint: {
        approve: values.approve ?? [],
        approver: terminalApprover(inDaemon(io) ? () => undefined : undefined),
      },
      boundary,
      onStdout: (chunk) => emitOut(outMask.push(outDecoder.decode(chunk, { stream: true }))),
      onStderr: (chunk) => emitErr(errMask.push(errDecoder.decode(chunk, { stream: true }))),
      ...(values.tier === undefined ? {} : { tier: values.tier as Tier }),
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      ...(values.servers === undefined
        ? {}
        : { servers: values.servers.split(",").map((s) => s.trim()).filter((s) => s !== "") }),
    };
    let result;
    try {
      result = await execSkill(path, skillArgv, options);
    } catch (error) {
      if (error instanceof SkillError && error.code === "INVALID_ARGUMENTS") {
        throw new UsageError(boundary.mask(error.message), { cause: error });
      }
      throw error;
    } finally {
      emitOut(outMask.push(outDecoder.decode()) + outMask.flush());
      emitErr(errMask.push(errDecoder.decode()) + errMask.flush());
      errFilter.end();
      await save();
    }
    if (result.help !== undefined) {
      io.out(result.help.endsWith("\n") ? result.help : `${result.help}\n`);
      return 0;
    }
    const { tokens, problem } = await boundary.record(seen.join(""), {
      kind: "exec",
      skill: path,
      project: config.root,
      env,
      tokenizer,
    });
    if (problem !== undefined) {
      io.err(`warning: the run was not added to the runs file: ${problem}\n`);
    }
    if (json) {
      io.out(
        `${
          JSON.stringify({
            exitCode: result.exitCode,
            stdout: out.join(""),
            stderr: err.join(""),
            durationMs: Math.round(result.durationMs),
            toolCalls: result.toolCalls,
            timedOut: result.timedOut,
            truncated: result.truncated,
            ...(result.killed === undefined ? {} : { killed: result.killed }),
            tier: result.tier,
            ...(result.runId === undefined ? {} : { runId: result.runId }),
            tokens,
          })
        }\n`,
      );
    }
    return result.exitCode;
  },
};
