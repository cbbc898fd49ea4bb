/**
 * Builds (or finds in the cache) the strict tier's root filesystem and prints its path:
 *
 *     deno run -A container/build_rootfs.ts [--deno PATH] [--cache DIR] [--import NAME]
 *
 * mcpx builds it on first use anyway; CI calls this ahead of the tests so no test pays for it.
 * `--import NAME` also turns it into a local image (`podman import`, no registry involved) that
 * `sandbox.image` can name, e.g. `localhost/mcpx-deno:2.9.6`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { importRootfsImage } from "../lib/sandbox/_podman_image.ts";
import { ensureRootfs } from "../lib/sandbox/rootfs.ts";

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      deno: { type: "string" },
      cache: { type: "string" },
      import: { type: "string" },
    },
  });
  const rootfs = await ensureRootfs({
    ...(values.deno !== undefined ? { denoPath: values.deno } : {}),
    ...(values.cache !== undefined ? { cacheDir: values.cache } : {}),
  });
  console.log(rootfs.path);
  console.error(rootfs.built ? "built" : "reused from the cache");
  if (values.import !== undefined) {
    console.error(`imported as ${await importRootfsImage(rootfs.path, values.import)}`);
  }
}
