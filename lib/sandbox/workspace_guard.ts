/**
 * Deno checks a path permission against the path as written, not against where a symlink
 * points: a link planted in the workspace (by a tool, a checkout, a trusted run) that points
 * outside would let a sandboxed skill read and write its target. A skill cannot make such a link
 * itself (`Deno.symlink` needs unscoped read and write), so the harness checks the writable
 * directories before each run and refuses to start when one is found.
 *
 * @module
 */
import { dirname, resolve, sep } from "node:path";
import { SandboxError } from "../errors.ts";

/** Options for {@linkcode assertNoEscapingLinks}. */
export interface LinkScanOptions {
  /** Stop looking after this many directory entries. @default 20000 */
  maxEntries?: number;
}

function inside(path: string, roots: readonly string[]): boolean {
  return roots.some((root) =>
    path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
  );
}

async function targetOf(link: string): Promise<string> {
  try {
    return await Deno.realPath(link);
  } catch {
    // A dangling link: judge it by what it names.
    return resolve(dirname(link), await Deno.readLink(link));
  }
}

/**
 * Throws `SandboxError` (`SANDBOX_ERROR`) naming the first symlink under `dir` whose target is
 * not inside one of `allowedRoots` (real paths). Symlinked directories are not descended into.
 */
export async function assertNoEscapingLinks(
  dir: string,
  allowedRoots: readonly string[],
  options: LinkScanOptions = {},
): Promise<void> {
  const limit = options.maxEntries ?? 20_000;
  let seen = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let entries: AsyncIterable<Deno.DirEntry>;
    try {
      entries = Deno.readDir(current);
    } catch {
      continue;
    }
    for await (const entry of entries) {
      if (++seen > limit) return;
      const path = `${current}${sep}${entry.name}`;
      if (entry.isDirectory) pending.push(path);
      if (!entry.isSymlink) continue;
      const target = await targetOf(path);
      if (!inside(target, allowedRoots)) {
        throw new SandboxError(
          "SANDBOX_ERROR",
          `Refusing to run: "${path}" is a symlink to "${target}", outside what the skill may ` +
            `access (Deno would check the link's path, not its target). Remove it ` +
            `(rm "${path}") or copy the file into the workspace, then run again.`,
          { data: { link: path, target } },
        );
      }
    }
  }
}
