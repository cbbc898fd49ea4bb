/**
 * The entry module of one sandboxed run: a `data:` URL importing the bootstrap and the run's
 * code with literal specifiers. Deno loads every module of that graph before the run starts and
 * needs no read permission for them; the harness checked beforehand that each lies inside the
 * run's code roots (`_code_roots.ts`). The run's code is imported after the bridge is installed
 * (a literal dynamic import, still part of the graph).
 *
 * The entry is JavaScript, not TypeScript: Deno would transpile a TypeScript entry and try to
 * write the result into its cache, which the sandbox mounts read-only, and it retries such a
 * write for ~150 ms before it gives up.
 *
 * @module
 */
import { pathToFileURL } from "node:url";

const BOOTSTRAP_URL = new URL("./_bootstrap.ts", import.meta.url).href;

/** What the entry does before the run's arguments arrive (see `_bootstrap.ts`). */
export interface EntryEarly {
  /** `grant.limits.workers`. */
  readonly workers: number;
  /** The npm modules the run's own files import, as resolved (`npm:zod@4.6.7`). */
  readonly npmImports: readonly string[];
}

/**
 * The entry for running `file`. With `early`, the bootstrap installs the Worker bound and
 * evaluates the npm modules the run's code imports before it reads the run's arguments, so a
 * sandbox started ahead of its run has done that when the run starts (npm packages only: the
 * run's own files are evaluated after the bridge is up, as always).
 *
 * @example
 * ```ts
 * import { entryFor } from "./_entry.ts";
 * console.assert(entryFor("/p/skills/a.ts").startsWith("data:application/javascript;base64,"));
 * ```
 */
export function entryFor(file: string, early?: EntryEarly): string {
  const preload = (early?.npmImports ?? []).map((s) => `import(${JSON.stringify(s)})`).join(", ");
  const options = early === undefined
    ? ""
    : `, { workers: ${JSON.stringify(early.workers)}, preload: () => Promise.all([${preload}]) }`;
  const source = `import { bootstrap } from ${JSON.stringify(BOOTSTRAP_URL)};\n` +
    `await bootstrap(Deno.args, () => import(${
      JSON.stringify(pathToFileURL(file).href)
    })${options});\n`;
  const bytes = new TextEncoder().encode(source);
  return `data:application/javascript;base64,${btoa(String.fromCharCode(...bytes))}`;
}
