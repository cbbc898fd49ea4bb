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
export async function compare(
  group: string,
  subject: { name: string; run: () => Promise<unknown> },
  baseline: { name: string; run: () => Promise<unknown> },
  options: {
    runs: number;
    warmup?: number;
    target?: { text: string; maxRatio?: number; maxDeltaMs?: number };
  },
): Promise<BenchRow> {
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    await subject.run();
    await baseline.run();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    let start = performance.now();
    await subject.run();
    a.push(performance.now() - start);
    start = performance.now();
    await baseline.run();
    b.push(performance.now() - start);
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
