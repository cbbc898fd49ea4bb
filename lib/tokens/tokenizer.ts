/**
 * Where a run's tokens are counted without making the run wait for the tokenizer. Loading the
 * `o200k_base` encoding costs ~80 ms, more than a whole warm run: a one-shot command opens a
 * {@linkcode RunTokenizer} as it starts, which loads the encoding in a Worker while the command
 * loads its config and the sandbox runs; long-lived processes (`mcpx daemon`, `mcpx serve`) load
 * it once into their own process ({@linkcode keepTokenizerLoaded}) and count each run there.
 * Texts that are all empty are counted without loading anything.
 *
 * @module
 */
/** The tokenizer named in every report. */
export const TOKENIZER = "gpt-tokenizer 4.0.0 (o200k_base)";

/** The caveat printed with every report. */
export const TOKENIZER_NOTE =
  "Counts use OpenAI's o200k_base encoding; for Claude models they are approximations.";

/** A count, and whether it was extrapolated from samples. */
export interface Counted {
  /** The tokens (exact, or extrapolated when `sampled`). */
  readonly tokens: number;
  /** Whether the text was longer than 200 000 characters and its count extrapolated. */
  readonly sampled: boolean;
}

/** Counts the texts of one run; {@linkcode RunTokenizer.close} frees what it holds. */
export interface RunTokenizer extends Disposable {
  /** Counts each text (exact up to 200 000 characters, sampled above). Once per tokenizer. */
  count(texts: readonly string[]): Promise<readonly Counted[]>;
  /** Stops the Worker, if any (idempotent; counting afterwards loads the tokenizer again). */
  close(): void;
}

type CountFast = (text: string) => Counted;

let resident: Promise<CountFast> | undefined;

const spawn = () =>
  new Worker(new URL("./_tokenizer_worker.ts", import.meta.url), { type: "module" });

/** A Worker started by {@linkcode prestartTokenizer}, for the next {@linkcode openTokenizer}. */
let early: Worker | undefined;

/**
 * Starts loading the tokenizer in a Worker now, for this process's next
 * {@linkcode openTokenizer}: `cli.ts` calls it first thing in a one-shot `mcpx exec`, before the
 * command's own modules load, so that the two overlap. Only for a process that ends with
 * `Deno.exit` (an unused Worker is not stopped otherwise).
 */
export function prestartTokenizer(): void {
  if (resident === undefined) early ??= spawn();
}

/**
 * Loads the tokenizer into this process for good, so that every later
 * {@linkcode openTokenizer} counts here at once. For processes that count many runs.
 */
export async function keepTokenizerLoaded(): Promise<void> {
  resident ??= import("./count.ts").then((module) => module.countTokensFast, (error) => {
    resident = undefined;
    throw error;
  });
  await resident;
}

const ZERO: Counted = { tokens: 0, sampled: false };

/**
 * A tokenizer for one run. In a process that keeps the tokenizer loaded it counts here;
 * otherwise a Worker starts loading the encoding now, in parallel with what the caller does
 * next, and is stopped after {@linkcode RunTokenizer.count} or {@linkcode RunTokenizer.close}.
 *
 * @example
 * ```ts ignore
 * using tokenizer = openTokenizer();
 * // … the run …
 * const [results, output] = await tokenizer.count([resultsText, outputText]);
 * ```
 */
export function openTokenizer(): RunTokenizer {
  if (resident !== undefined) {
    const loaded = resident;
    return {
      count: async (texts) => {
        const count = await loaded;
        return texts.map(count);
      },
      close() {},
      [Symbol.dispose]() {},
    };
  }
  let worker: Worker | undefined = early ?? spawn();
  early = undefined;
  const close = () => {
    worker?.terminate();
    worker = undefined;
  };
  return {
    count(texts) {
      if (texts.every((text) => text.length === 0)) {
        close();
        return Promise.resolve(texts.map(() => ZERO));
      }
      const running = worker ?? spawn();
      worker = running;
      return new Promise<readonly Counted[]>((resolve, reject) => {
        running.onmessage = (event: MessageEvent<{ counts?: Counted[]; error?: string }>) => {
          close();
          if (event.data.counts !== undefined) resolve(event.data.counts);
          else reject(new Error(`the tokenizer failed: ${event.data.error}`));
        };
        running.onerror = (event) => {
          event.preventDefault();
          close();
          reject(new Error(`the tokenizer could not be loaded: ${event.message}`));
        };
        running.postMessage({ texts: [...texts] });
      });
    },
    close,
    [Symbol.dispose]: close,
  };
}
