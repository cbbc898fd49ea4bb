/**
 * The `privacy` section: PII tokenization at the boundary to the model. Off by default;
 * `"privacy": true` or `{ "enabled": true }` turns it on with every built-in detector.
 *
 * @module
 */
import { z } from "zod";
import { formatJsonPath } from "./_describe.ts";
import { expected, pushIssue } from "./_zod.ts";
import { DETECTOR_NAMES, SECRET_DETECTORS } from "../privacy/detectors.ts";

/** Keys of the `privacy` object. */
export const PRIVACY_KEYS = [
  "enabled",
  "detectors",
  "patterns",
  "servers",
  "tools",
  "call",
  "vault_ttl_hours",
] as const;

/** The `privacy` section after defaults. */
export interface PrivacyConfig {
  /** Whether output towards the model is tokenized. @default false */
  readonly enabled: boolean;
  /** The built-in detectors in use, by name. @default all */
  readonly detectors: readonly string[];
  /** Custom patterns: placeholder label → regular expression source. */
  readonly patterns: readonly { readonly label: string; readonly source: string }[];
  /** Per-server switches: `false` leaves the values in that server's results unmasked. */
  readonly servers: Readonly<Record<string, boolean>>;
  /** Per-tool switches (`server__tool`), overriding the server's. */
  readonly tools: Readonly<Record<string, boolean>>;
  /** Whether `mcpx call`'s output is tokenized too. @default true */
  readonly call: boolean;
  /** Hours a CLI placeholder keeps resolving after its last use. @default 24 */
  readonly vaultTtlHours: number;
}

/** The default: off. */
export const PRIVACY_OFF: PrivacyConfig = {
  enabled: false,
  detectors: DETECTOR_NAMES,
  patterns: [],
  servers: {},
  tools: {},
  call: true,
  vaultTtlHours: 24,
};

const KNOWN = [...DETECTOR_NAMES, "secrets"];
const detectorName = z.string().refine((name) => KNOWN.includes(name), {
  error: (issue) => `unknown detector ${JSON.stringify(issue.input)} (known: ${KNOWN.join(", ")})`,
});
const switches = (what: string) =>
  z.record(z.string(), z.boolean({ error: expected("true or false") }), {
    error: expected(`an object of ${what} → true/false`),
  });

const patterns = z.record(z.string(), z.string()).superRefine((value, ctx) => {
  for (const [label, source] of Object.entries(value)) {
    if (!/^[A-Z][A-Z0-9_]{0,30}$/.test(label)) {
      pushIssue(ctx, `label must be UPPER_CASE letters, digits and _, like "EMPLOYEE_ID"`, label, [
        label,
      ]);
      continue;
    }
    try {
      if (new RegExp(source, "g").test("")) {
        pushIssue(
          ctx,
          "the pattern matches the empty string; make it match at least one character",
          source,
          [label],
        );
      }
    } catch (error) {
      pushIssue(ctx, `not a valid regular expression (${(error as Error).message})`, source, [
        label,
      ]);
    }
  }
});

/** The `privacy` section as written: a boolean (`true` is `{ "enabled": true }`), or an object. */
export const privacySchema = z.preprocess(
  (value) => typeof value === "boolean" ? { enabled: value } : value,
  z.object({
    enabled: z.boolean({ error: expected("true or false") }).optional(),
    detectors: z.union([
      z.array(detectorName),
      z.record(detectorName, z.boolean({ error: expected("true or false") })),
    ], { error: expected('a list of detector names or { "name": false }') }).optional(),
    patterns: patterns.optional(),
    servers: switches("server names").optional(),
    tools: switches('"server__tool" names').optional(),
    call: z.boolean({ error: expected("true or false") }).optional(),
    vault_ttl_hours: z.number({ error: expected("a positive number of hours") }).positive()
      .optional(),
  }, { error: expected('true, false or an object such as { "enabled": true }') }),
);

/** A validated `privacy` section as written. */
export type PrivacyEntry = z.output<typeof privacySchema>;

function expand(names: readonly string[]): string[] {
  return names.flatMap((name) => name === "secrets" ? SECRET_DETECTORS : [name]);
}

/**
 * Applies defaults. Returns the section and warnings (an object without `enabled: true` is
 * off, which is said, since a user who wrote patterns most likely wanted it on).
 *
 * @example
 * ```ts
 * import { resolvePrivacy } from "./privacy_schema.ts";
 * const { privacy } = resolvePrivacy({ enabled: true, detectors: { phone: false } }, "c.json");
 * console.assert(privacy.enabled && !privacy.detectors.includes("phone"));
 * ```
 */
export function resolvePrivacy(
  entry: PrivacyEntry | undefined,
  file: string,
): { privacy: PrivacyConfig; warnings: string[] } {
  if (entry === undefined) return { privacy: PRIVACY_OFF, warnings: [] };
  const warnings: string[] = [];
  if (entry.enabled === undefined && Object.keys(entry).length > 0) {
    warnings.push(
      `${file}: ${formatJsonPath(["privacy"])}: privacy is off until "enabled": true is added`,
    );
  }
  let detectors = DETECTOR_NAMES;
  if (Array.isArray(entry.detectors)) detectors = expand(entry.detectors);
  else if (entry.detectors !== undefined) {
    const given = Object.entries(entry.detectors);
    const off = new Set(expand(given.filter(([, on]) => !on).map(([name]) => name)));
    const on = new Set(expand(given.filter(([, on]) => on).map(([name]) => name)));
    detectors = DETECTOR_NAMES.filter((name) => on.has(name) || !off.has(name));
  }
  return {
    privacy: {
      enabled: entry.enabled === true,
      detectors,
      patterns: Object.entries(entry.patterns ?? {}).map(([label, source]) => ({ label, source })),
      servers: entry.servers ?? {},
      tools: entry.tools ?? {},
      call: entry.call ?? true,
      vaultTtlHours: entry.vault_ttl_hours ?? 24,
    },
    warnings,
  };
}
