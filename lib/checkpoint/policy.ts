/**
 * Tool policies: which calls are allowed, need approval, or are blocked. Rules are globs over
 * `server.tool` (`*` matches any run of characters, dots included). The most specific matching
 * rule wins: the one with the most literal (non-`*`) characters, so an exact name beats every
 * glob and `filesystem.write_*` beats `*.write_*`; on a tie the stricter decision wins
 * (block, approve, block-private-urls, allow). A server's `allowedTools` is a gate before the rules: a tool
 * matching none of its globs is blocked. A tool no rule matches is allowed.
 *
 * @module
 */
import type { GovernanceConfig, PolicyDecision, PolicyRule } from "../config/policy_schema.ts";
import { McpxError } from "../errors.ts";

/** What the policy says about one tool. */
export interface Verdict {
  /** The decision. */
  readonly decision: PolicyDecision;
  /** The rule that decided, e.g. `policy "*.delete_*"`; absent for the default allow. */
  readonly rule?: string;
}

interface CompiledRule extends PolicyRule {
  readonly regex: RegExp;
  readonly weight: number;
}

const STRICTNESS: Record<PolicyDecision, number> = {
  allow: 0,
  "block-private-urls": 1,
  approve: 2,
  block: 3,
};
const ALLOW: Verdict = { decision: "allow" };

/** Compiles a `*` glob into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(
    ".*",
  );
  return new RegExp(`^${body}$`, "s");
}

function compile(rule: PolicyRule): CompiledRule {
  return {
    ...rule,
    regex: globToRegExp(rule.pattern),
    weight: rule.pattern.replaceAll("*", "").length,
  };
}

/**
 * The compiled policy of one config. `decide()` is memoized per tool, so the check on a bridge
 * call is one map lookup after the first call.
 *
 * @example
 * ```ts
 * import { ToolPolicy } from "./policy.ts";
 * const policy = new ToolPolicy({
 *   file: "mcp_config.json",
 *   rules: [
 *     { pattern: "*.delete_*", decision: "block", source: 'policy "*.delete_*"' },
 *     { pattern: "fs.delete_tmp", decision: "allow", source: 'policy "fs.delete_tmp"' },
 *   ],
 *   allowedTools: {},
 * });
 * console.assert(policy.decide("fs", "delete_file").decision === "block");
 * console.assert(policy.decide("fs", "delete_tmp").decision === "allow");
 * ```
 */
export class ToolPolicy {
  /** The config file as shown in messages. */
  readonly file: string;
  readonly #rules: readonly CompiledRule[];
  readonly #allowed: ReadonlyMap<string, readonly RegExp[]>;
  readonly #memo = new Map<string, Verdict>();

  /** Compiles the rules of `governance` (only `file`, `rules` and `allowedTools` are read). */
  constructor(governance: Pick<GovernanceConfig, "file" | "rules" | "allowedTools">) {
    this.file = governance.file;
    this.#rules = governance.rules.map(compile);
    this.#allowed = new Map(
      Object.entries(governance.allowedTools).map(([server, globs]) => [
        server,
        globs.map(globToRegExp),
      ]),
    );
  }

  /** Whether the policy has any rule at all (no rule: everything is allowed). */
  get empty(): boolean {
    return this.#rules.length === 0 && this.#allowed.size === 0;
  }

  /** The decision for `server`'s `tool`. */
  decide(server: string, tool: string): Verdict {
    if (this.empty) return ALLOW;
    const key = `${server}.${tool}`;
    let verdict = this.#memo.get(key);
    if (verdict === undefined) {
      verdict = this.#decide(server, tool, key);
      this.#memo.set(key, verdict);
    }
    return verdict;
  }

  #decide(server: string, tool: string, key: string): Verdict {
    const allowed = this.#allowed.get(server);
    if (allowed !== undefined && !allowed.some((regex) => regex.test(tool))) {
      return { decision: "block", rule: `mcpServers.${server}.allowedTools (not listed)` };
    }
    let best: CompiledRule | undefined;
    for (const rule of this.#rules) {
      if (!rule.regex.test(key)) continue;
      if (
        best === undefined || rule.weight > best.weight ||
        (rule.weight === best.weight && STRICTNESS[rule.decision] > STRICTNESS[best.decision])
      ) best = rule;
    }
    return best === undefined ? ALLOW : { decision: best.decision, rule: best.source };
  }

  /** Whether a tool is listed at all: blocked tools are invisible. */
  visible(server: string, tool: string): boolean {
    return this.decide(server, tool).decision !== "block";
  }

  /** The `TOOL_BLOCKED` error for a blocked tool (or call: `reason` says what in it). */
  blockedError(
    server: string,
    tool: string,
    rule: string | undefined,
    options: { reason?: string } = {},
  ): McpxError {
    const why = options.reason === undefined ? "" : ` because ${options.reason}`;
    return new McpxError(
      "TOOL_BLOCKED",
      `${server}.${tool} is blocked by ${rule ?? "policy"} in ${this.file}${why}; ` +
        "the operator can change the rule there.",
      { data: { server, tool, rule } },
    );
  }
}

/** Whether `server.tool` matches one of the `--approve` globs. */
export function matchesAny(globs: readonly RegExp[], server: string, tool: string): boolean {
  const key = `${server}.${tool}`;
  return globs.some((regex) => regex.test(key));
}
