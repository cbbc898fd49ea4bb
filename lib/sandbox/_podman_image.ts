/**
 * Turns the locally built root filesystem into a local podman image (`tar -c DIR | podman
 * import - NAME`, no registry involved). `container/build_rootfs.ts --import NAME` uses it, and
 * so does the strict tier under gVisor: runsc cannot make a `--rootfs DIR:O` overlay read-only
 * inside a user namespace (the overlay's `nodev` flag is locked there and Debian's runsc
 * remounts without it), while an image's root it can.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { SandboxError } from "../errors.ts";
import { podman, podmanCommand } from "./_podman_cli.ts";
import type { Rootfs } from "./rootfs.ts";

/** Imports `rootfs` as image `name`; resolves to the name. Throws when tar or podman fail. */
export async function importRootfsImage(rootfs: string, name: string): Promise<string> {
  const tar = new Deno.Command("tar", {
    // Owned by root in the image whoever owns the cached directory (root runs adopt it).
    args: [
      "-C",
      rootfs,
      "--exclude=./.mcpx-rootfs.json",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "-c",
      ".",
    ],
    stdout: "piped",
  }).spawn();
  const importer = new Deno.Command(podmanCommand(), {
    args: ["import", "--quiet", "--change", "USER=1000:1000", "-", name],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await tar.stdout.pipeTo(importer.stdin);
  const [tarStatus, out] = await Promise.all([tar.status, importer.output()]);
  if (!tarStatus.success || !out.success) {
    throw new Error(
      `podman import of ${rootfs} as ${name} failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return name;
}

/** The local image name of a built root filesystem. */
export function rootfsImageName(rootfs: Rootfs): string {
  return `${IMAGE_REPOSITORY}:${rootfs.key}`;
}

const IMAGE_REPOSITORY = "localhost/mcpx-rootfs";

const imports = new Map<string, Promise<string>>();

/** Removes `localhost/mcpx-rootfs:<key>` images whose root filesystem left `cacheDir`. */
async function pruneImages(cacheDir: string): Promise<void> {
  const out = await podman([
    "images",
    "--format",
    "{{.Repository}}:{{.Tag}}",
    "--filter",
    `reference=${IMAGE_REPOSITORY}`,
  ]);
  for (const image of out.stdout.split("\n").filter(Boolean)) {
    const key = image.slice(image.lastIndexOf(":") + 1);
    const kept = await Deno.stat(join(cacheDir, key)).then(() => true, () => false);
    // In use by a running container: podman refuses, and the next import tries again.
    if (!kept) await podman(["rmi", image]).catch(() => undefined);
  }
}

/**
 * The root filesystem as a local image, imported on first use (once per key and process). Images
 * of root filesystems no longer in the cache (a deno since replaced) are removed. `refresh`
 * looks at podman's store again instead of this process's memory of an earlier import.
 */
export function ensureRootfsImage(
  rootfs: Rootfs,
  options: { refresh?: boolean } = {},
): Promise<string> {
  const name = rootfsImageName(rootfs);
  let done = options.refresh ? undefined : imports.get(name);
  if (done === undefined) {
    done = (async () => {
      const exists = await podman(["image", "exists", name]);
      if (exists.code === 0) return name;
      try {
        await importRootfsImage(rootfs.path, name);
        await pruneImages(dirname(rootfs.path));
        return name;
      } catch (cause) {
        throw new SandboxError(
          "SANDBOX_UNAVAILABLE",
          `Cannot import the strict tier's root filesystem as the image ${name} (gVisor ` +
            `needs an image): ${cause instanceof Error ? cause.message : String(cause)}. ` +
            `Check "podman images" and free disk space, or configure sandbox.image.`,
          { cause },
        );
      }
    })();
    done.catch(() => imports.delete(name));
    imports.set(name, done);
  }
  return done;
}
