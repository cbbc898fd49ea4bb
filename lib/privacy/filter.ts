/**
 * The privacy filter: replaces detected personal data in text bound for the model with the
 * vault's placeholders, whole (never split across chunks: streams are cut at line ends).
 *
 * @module
 */
import type { PrivacyConfig } from "../config/types.ts";
import { type Detector, DETECTORS, findPii } from "./detectors.ts";
import { PLACEHOLDER, type Vault } from "./vault.ts";

/** Longest text held back waiting for a line end (or a PEM block's end) before it is flushed. */
const HOLD_LIMIT = 64 * 1024;

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;

/** The detectors a config asks for: custom patterns first, then the enabled built-ins. */
export function detectorsFor(config: PrivacyConfig): Detector[] {
  const custom = config.patterns.map(({ label, source }) => ({
    name: label.toLowerCase(),
    label,
    pattern: new RegExp(source, "g"),
  }));
  return [...custom, ...DETECTORS.filter((d) => config.detectors.includes(d.name))];
}

/** Masks texts with one vault; values seen in exempt tool results pass unmasked. */
export class PrivacyFilter {
  readonly #vault: Vault;
  readonly #config: PrivacyConfig;
  readonly #detectors: Detector[];
  readonly #exempt = new Set<string>();
  /** How many values were replaced so far. */
  masked = 0;

  /** A filter handing out `vault`'s placeholders for the detectors `config` asks for. */
  constructor(vault: Vault, config: PrivacyConfig) {
    this.#vault = vault;
    this.#config = config;
    this.#detectors = detectorsFor(config);
  }

  /** Whether results of `server`'s `tool` are masked (`tools` overrides `servers`). */
  covers(server: string, tool: string): boolean {
    return this.#config.tools[`${server}__${tool}`] ?? this.#config.servers[server] ?? true;
  }

  /** Learns the values of an exempt tool's result, so that they pass the filter unmasked. */
  exempt(text: string): void {
    for (const span of findPii(text, this.#detectors)) this.#exempt.add(span.value);
  }

  /**
   * Replaces every detected value in `text` by its placeholder.
   *
   * @example
   * ```ts
   * import { PrivacyFilter } from "./filter.ts";
   * import { Vault } from "./vault.ts";
   * import { PRIVACY_OFF } from "../config/privacy_schema.ts";
   * const vault = new Vault({ tag: "abcd" });
   * const filter = new PrivacyFilter(vault, { ...PRIVACY_OFF, enabled: true });
   * console.assert(filter.mask("to ann@example.com") === "to [EMAIL_1_abcd]");
   * ```
   */
  mask(text: string): string {
    // Placeholders already in the text (a skill printing one it was given) are left whole, so a
    // broad custom pattern cannot nest placeholders.
    let out = "";
    let at = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      out += this.#maskPlain(text.slice(at, match.index)) + match[0];
      at = match.index + match[0].length;
    }
    return out + this.#maskPlain(text.slice(at));
  }

  #maskPlain(text: string): string {
    const spans = findPii(text, this.#detectors);
    if (spans.length === 0) return text;
    let out = "";
    let at = 0;
    for (const span of spans) {
      if (this.#exempt.has(span.value)) continue;
      out += text.slice(at, span.start) +
        this.#vault.placeholderFor(span.detector.label, span.value);
      at = span.end;
      this.masked++;
    }
    return out + text.slice(at);
  }

  /** A line-buffered masker for one stream (stdout or stderr). */
  stream(): MaskingStream {
    return new MaskingStream(this);
  }
}

/** Masks a stream chunk by chunk; only whole lines (and whole PEM blocks) are released. */
export class MaskingStream {
  readonly #filter: PrivacyFilter;
  #pending = "";

  /** A stream over `filter`. */
  constructor(filter: PrivacyFilter) {
    this.#filter = filter;
  }

  /** Adds text; returns the masked text that may be released now. */
  push(text: string): string {
    this.#pending += text;
    let cut = this.#pending.lastIndexOf("\n") + 1;
    const block = unterminatedPem(this.#pending.slice(0, cut));
    if (block !== undefined) cut = block;
    if (cut === 0 && this.#pending.length < HOLD_LIMIT) return "";
    if (cut === 0 || this.#pending.length - cut >= HOLD_LIMIT) cut = this.#pending.length;
    const ready = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    return this.#filter.mask(ready);
  }

  /** Releases what is left at the end of the stream. */
  flush(): string {
    const rest = this.#pending;
    this.#pending = "";
    return rest === "" ? "" : this.#filter.mask(rest);
  }
}

/** Where a PEM private-key block starts that has no END yet, if any. */
function unterminatedPem(text: string): number | undefined {
  let start: number | undefined;
  for (const match of text.matchAll(PEM_BEGIN)) {
    start = text.includes("-----END", match.index) ? undefined : match.index;
  }
  return start;
}
