/**
 * Turns a built root filesystem into a local podman image: `tar -c DIR | podman import - NAME`.
 *
 * @module
 */

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
  const podman = new Deno.Command("podman", {
    args: ["import", "--quiet", "--change", "USER=1000:1000", "-", name],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await tar.stdout.pipeTo(podman.stdin);
  const [tarStatus, out] = await Promise.all([tar.status, podman.output()]);
  if (!tarStatus.success || !out.success) {
    throw new Error(
      `podman import of ${rootfs} as ${name} failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return name;
}
