/**
 * Finding a stdio server's command on PATH before spawning it, so that a missing program is a
 * clear `COMMAND_NOT_FOUND` instead of a spawn error.
 *
 * @module
 */
import { delimiter, isAbsolute, join, resolve } from "node:path";

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * Resolves `command` the way the spawned child would: a path containing `/` relative to `cwd`,
 * else each PATH entry in order. Returns the absolute path, or `undefined` when not found.
 */
export function findCommand(command: string, path: string, cwd: string): string | undefined {
  if (command.includes("/")) {
    const full = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutableFile(full) ? full : undefined;
  }
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
