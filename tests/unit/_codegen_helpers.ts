/**
 * Helpers shared by the codegen tests: golden files (re-recorded with `UPDATE=1`) and a
 * throwaway Deno project holding generated files.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ROOT } from "../helpers/paths.ts";
import { RUNTIME_SOURCE } from "../../lib/codegen/render_runtime.ts";

/** Where golden files live. */
export const GOLDEN_DIR: string = join(ROOT, "tests", "fixtures", "codegen", "golden");

/** Compares `text` with `golden/<rel>.golden` (after `mask`), or records it with `UPDATE=1`. */
export async function assertGolden(
  rel: string,
  text: string,
  mask: (text: string) => string = (t) => t,
): Promise<void> {
  const path = join(GOLDEN_DIR, `${rel}.golden`);
  const actual = mask(text);
  if (Deno.env.get("UPDATE") === "1") {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(path);
  } catch {
    throw new Error(`No golden file ${path}: run the test with UPDATE=1 to record it.`);
  }
  assert.equal(actual, expected, `${rel} differs from its golden file (UPDATE=1 re-records)`);
}

/** Writes `files` (plus `_runtime.ts` and a deno.json mapping `zod`) into a new temp dir. */
export async function writeProject(files: ReadonlyMap<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_codegen_" });
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  await Deno.writeTextFile(
    join(dir, "deno.json"),
    JSON.stringify({
      imports: { zod: config.imports.zod },
      compilerOptions: config.compilerOptions,
    }),
  );
  await Deno.writeTextFile(join(dir, "_runtime.ts"), RUNTIME_SOURCE);
  for (const [rel, text] of files) {
    await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
    await Deno.writeTextFile(join(dir, rel), text);
  }
  return dir;
}
