/**
 * The PII detectors: regular expressions for candidates, checksums and shape checks to drop the
 * look-alikes (dates, versions, order numbers, hashes). {@linkcode findPii} returns the spans of
 * one text, overlaps resolved by priority.
 *
 * @module
 */

/** One kind of personal data or secret. */
export interface Detector {
  /** The name used in the config's `detectors` (`email`, `phone`, `aws_key` …). */
  readonly name: string;
  /** The placeholder label (`EMAIL` gives `[EMAIL_1_…]`). */
  readonly label: string;
  /** Candidates; must have the `g` flag. */
  readonly pattern: RegExp;
  /** Keeps a candidate only when this says so (checksums, shape checks). */
  readonly valid?: (match: string) => boolean;
}

/** One detected value in a text. */
export interface PiiSpan {
  /** Index of the first character. */
  readonly start: number;
  /** Index after the last character. */
  readonly end: number;
  /** The detected text. */
  readonly value: string;
  /** The detector that found it. */
  readonly detector: Detector;
}

/** Luhn checksum of a digit string (payment cards). */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN (spaces ignored). */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, "").toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const char of moved) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

function cardValid(match: string): boolean {
  const digits = match.replace(/[ -]/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  // Separators, when used, must be consistent (4111-1111 1111-1111 is not a card number).
  const separators = new Set(match.replace(/\d/g, ""));
  if (separators.size > 1) return false;
  if (!/^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6[05]|62|35)/.test(digits)) return false;
  return luhn(digits);
}

const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

function phoneValid(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  if (DATE_LIKE.test(match.trim())) return false;
  if (match.startsWith("+")) return digits.length >= 8 && digits.length <= 15;
  // 00 is the international prefix in most of the world: 0044 20 7946 0958.
  if (/^00[1-9]/.test(match)) return digits.length >= 10 && digits.length <= 17;
  // National formats need a separator (a bare run of digits is an ID far more often).
  if (!/[ ().\/-]/.test(match)) return false;
  // Dotted groups are versions or IP addresses unless they look like 555.123.4567.
  if (match.includes(".") && !/^\d{3}\.\d{3}\.\d{4}$/.test(match)) return false;
  return digits.length >= 9 && digits.length <= 12;
}

function ipv6Valid(match: string): boolean {
  if ((match.match(/:/g) ?? []).length < 2) return false;
  if (!/[0-9a-f]/i.test(match)) return false;
  // Eight full groups, or a "::" abbreviation: times (12:30:45) and MACs have neither.
  const groups = match.split(":");
  if (!match.includes("::") && groups.length !== 8 && !match.includes(".")) return false;
  try {
    new URL(`http://[${match}]/`);
    return true;
  } catch {
    return false;
  }
}

const B = String.raw`(?<![\w.+-])`;
const E = String.raw`(?![\w-]|\.\w)`;

/** The built-in detectors, in priority order (earlier wins an overlap). */
export const DETECTORS: readonly Detector[] = [
  {
    name: "private_key",
    label: "PRIVATE_KEY",
    pattern:
      /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$(?![\s\S]))/g,
  },
  {
    name: "jwt",
    label: "JWT",
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
  },
  { name: "aws_key", label: "AWS_KEY", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  {
    // A secret access key has no prefix of its own: only after its well-known name.
    name: "aws_secret",
    label: "AWS_SECRET",
    pattern:
      /(?<=aws_secret_access_key["']?\s*[:=]\s*["']?|AWS_SECRET_ACCESS_KEY["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g,
  },
  {
    name: "github_token",
    label: "GITHUB_TOKEN",
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{40,255})\b/g,
  },
  { name: "gitlab_token", label: "GITLAB_TOKEN", pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  {
    name: "slack_token",
    label: "SLACK_TOKEN",
    pattern:
      /\bxox[abposr]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g,
  },
  {
    name: "stripe_key",
    label: "STRIPE_KEY",
    pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  },
  {
    name: "anthropic_key",
    label: "ANTHROPIC_KEY",
    pattern: /\bsk-ant-[A-Za-z0-9]+-[A-Za-z0-9_-]{20,}/g,
  },
  {
    name: "openai_key",
    label: "OPENAI_KEY",
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    valid: (match) => /\d/.test(match) && /[A-Za-z]/.test(match.slice(3)),
  },
  {
    name: "email",
    label: "EMAIL",
    pattern: new RegExp(
      String
        .raw`(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b(?!:[\w/~])`,
      "g",
    ),
  },
  {
    name: "iban",
    label: "IBAN",
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    valid: ibanValid,
  },
  {
    name: "card",
    label: "CARD",
    pattern: new RegExp(`${B}\\d(?:[ -]?\\d){12,18}${E}`, "g"),
    valid: cardValid,
  },
  {
    name: "ipv6",
    label: "IPV6",
    pattern: new RegExp(
      String
        .raw`(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){1,6}:\d{1,3}(?:\.\d{1,3}){3}` +
        String.raw`|(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w:]|\.\d)`,
      "g",
    ),
    valid: ipv6Valid,
  },
  {
    name: "ipv4",
    label: "IPV4",
    pattern:
      /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w]|\.\d)/g,
  },
  {
    name: "phone",
    label: "PHONE",
    pattern: new RegExp(
      [
        // International: +CC then groups (the country code may be followed by a (0)).
        String.raw`\+\d{1,3}(?:[ .-]?\(0?\d{1,4}\))?(?:[ .-]?\d{1,5}){1,5}`,
        // North American: (555) 123-4567, 555-123-4567, 555.123.4567.
        String.raw`\(\d{3}\) ?\d{3}[ .-]\d{4}`,
        String.raw`\d{3}[.-]\d{3}[.-]\d{4}`,
        // National with a trunk 0: 030 1234567, 020 7946 0958, 06 12 34 56 78, 0171/1234567.
        String.raw`0\d{1,4}(?:[ /-]\d{2,8}){1,4}`,
      ].map((p) => `${B}(?:${p})${E}`).join("|"),
      "g",
    ),
    valid: phoneValid,
  },
];

/** Names of the built-in detectors, plus `secrets` for every secret-shaped one. */
export const DETECTOR_NAMES: readonly string[] = DETECTORS.map((d) => d.name);

/** The secret-shaped detectors (the `secrets` group in the config). */
export const SECRET_DETECTORS: readonly string[] = [
  "private_key",
  "jwt",
  "aws_key",
  "aws_secret",
  "github_token",
  "gitlab_token",
  "slack_token",
  "stripe_key",
  "anthropic_key",
  "openai_key",
];

/**
 * Every PII span in `text`, in text order, without overlaps: when two overlap, the detector
 * earlier in `detectors` wins (custom patterns come first, then secrets, then the rest).
 *
 * @example
 * ```ts
 * import { DETECTORS, findPii } from "./detectors.ts";
 * const spans = findPii("mail ann@example.com on 2024-05-01", DETECTORS);
 * console.assert(spans.length === 1 && spans[0]!.value === "ann@example.com");
 * ```
 */
export function findPii(text: string, detectors: readonly Detector[]): PiiSpan[] {
  // Accepted spans, sorted by start and never overlapping: an overlap test is a binary search.
  const taken: PiiSpan[] = [];
  // Where a span starting at `start` goes, or -1 when it would overlap an accepted one.
  const slot = (start: number, end: number): number => {
    let lo = 0, hi = taken.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (taken[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    const free = (lo === 0 || taken[lo - 1]!.end <= start) &&
      (lo === taken.length || taken[lo]!.start >= end);
    return free ? lo : -1;
  };
  for (const detector of detectors) {
    detector.pattern.lastIndex = 0;
    for (const match of text.matchAll(detector.pattern)) {
      const value = match[0];
      if (value === "") continue;
      const start = match.index;
      const end = start + value.length;
      const at = slot(start, end);
      if (at === -1) continue;
      if (detector.valid !== undefined && !detector.valid(value)) continue;
      taken.splice(at, 0, { start, end, value, detector });
    }
  }
  return taken;
}
