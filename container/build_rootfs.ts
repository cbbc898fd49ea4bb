/**
 * Builds (or finds in the cache) the strict tier's root filesystem and prints its path:
 *
 *     deno run -A container/build_rootfs.ts [--deno PATH] [--cache DIR]
 *
 * mcpx builds it on first use anyway; CI calls this ahead of the tests so no test pays for it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ensureRootfs } from "../lib/sandbox/rootfs.ts";

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { deno: { type: "string" }, cache: { type: "string" } },
  });
  const rootfs = await ensureRootfs({
    ...(values.deno !== undefined ? { denoPath: values.deno } : {}),
    ...(values.cache !== undefined ? { cacheDir: values.cache } : {}),
  });
  console.log(rootfs.path);
  console.error(rootfs.built ? "built" : "reused from the cache");
}
