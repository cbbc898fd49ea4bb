/**
 * Measurement helpers shared by every benchmark: repeated timing, median and spread, and
 * ratios measured in the same run.
 *
 * @module
 */

/** Summary of repeated wall-clock measurements, in milliseconds. */
export interface Summary {
  /** How many samples. */
  readonly n: number;
  /** Median. */
  readonly median: number;
  /** 25th percentile. */
  readonly p25: number;
  /** 75th percentile. */
  readonly p75: number;
  /** Fastest sample. */
  readonly min: number;
  /** Slowest sample. */
  readonly max: number;
}

/** One row of the results table. */
export interface BenchRow {
  /** Group, e.g. `exec overhead`. */
  readonly group: string;
  /** What was measured, e.g. `mcpx exec --tier deno`. */
  readonly name: string;
  /** The measurement. */
  readonly summary: Summary;
  /** The thing it is compared with, measured in the same run. */
  readonly baseline?: { readonly name: string; readonly summary: Summary };
  /** `summary.median / baseline.median`, when there is a baseline. */
  readonly ratio?: number;
  /** Difference of medians in ms, when there is a baseline. */
  readonly deltaMs?: number;
  /** The target in words, e.g. `<= 2x bare deno`. */
  readonly target?: string;
  /** Whether the target was met. */
  readonly met?: boolean;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Summarizes samples (ms). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: sorted.length,
    median: round(quantile(sorted, 0.5)),
    p25: round(quantile(sorted, 0.25)),
    p75: round(quantile(sorted, 0.75)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** Times `fn` `runs` times after `warmup` untimed runs; returns the samples in ms. */
export async function sample(
  fn: () => Promise<unknown>,
  options: { runs: number; warmup?: number },
): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * Times `subject` and `baseline` interleaved (A, B, A, B …) so that drift in machine load hits
 * both equally, and returns a row with their ratio.
 */
export function compare(
  group: string,
  subject: { name: string; run: () => Promise<unknown> },
  baseline: { name: string; run: () => Promise<unknown> },
  options: CompareOptions,
): Promise<BenchRow> {
  const timed = (fn: () => Promise<unknown>) => async () => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  return compareMeasured(
    group,
    { name: subject.name, measure: timed(subject.run) },
    { name: baseline.name, measure: timed(baseline.run) },
    options,
  );
}

/** Options of {@linkcode compare} and {@linkcode compareMeasured}. */
export interface CompareOptions {
  /** Measured pairs. */
  runs: number;
  /** Unmeasured pairs first. @default 1 */
  warmup?: number;
  /** The target, in words and as limits on the ratio or the difference of medians. */
  target?: { text: string; maxRatio?: number; maxDeltaMs?: number };
}

/**
 * Like {@linkcode compare}, for runs that measure themselves (e.g. a skill that times its own
 * loop inside the sandbox): each `measure()` resolves to milliseconds.
 */
export async function compareMeasured(
  group: string,
  subject: { name: string; measure: () => Promise<number> },
  baseline: { name: string; measure: () => Promise<number> },
  options: CompareOptions,
): Promise<BenchRow> {
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    await subject.measure();
    await baseline.measure();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    a.push(await subject.measure());
    b.push(await baseline.measure());
  }
  const summary = summarize(a);
  const base = summarize(b);
  const ratio = Math.round((summary.median / base.median) * 100) / 100;
  const deltaMs = Math.round((summary.median - base.median) * 10) / 10;
  const t = options.target;
  const met = t === undefined ? undefined : (t.maxRatio === undefined || ratio <= t.maxRatio) &&
    (t.maxDeltaMs === undefined || deltaMs <= t.maxDeltaMs);
  return {
    group,
    name: subject.name,
    summary,
    baseline: { name: baseline.name, summary: base },
    ratio,
    deltaMs,
    ...(t === undefined ? {} : { target: t.text }),
    ...(met === undefined ? {} : { met }),
  };
}
