/**
 * Finding a stdio server's command on PATH before spawning it, so that a missing program is a
 * clear `COMMAND_NOT_FOUND` instead of a spawn error.
 *
 * @module
 */
import { delimiter, isAbsolute, join, resolve } from "node:path";

function isExecutableFile(path: string): boolean {
  return fileState(path) === "executable";
}

function fileState(path: string): "executable" | "not executable" | "absent" {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) return "not executable";
    return info.mode === null || (info.mode & 0o111) !== 0 ? "executable" : "not executable";
  } catch {
    return "absent";
  }
}

function candidates(command: string, path: string, cwd: string): string[] {
  if (command.includes("/")) return [isAbsolute(command) ? command : resolve(cwd, command)];
  return path.split(delimiter).filter((dir) => dir !== "").map((dir) => join(dir, command));
}

/**
 * When {@linkcode findCommand} finds nothing: the first path where `command` exists but cannot
 * be executed (no execute bit, or a directory), so the error names the true cause.
 */
export function findNonExecutable(command: string, path: string, cwd: string): string | undefined {
  return candidates(command, path, cwd).find((c) => fileState(c) === "not executable");
}

/**
 * Resolves `command` the way the spawned child would: a path containing `/` relative to `cwd`,
 * else each PATH entry in order. Returns the absolute path, or `undefined` when not found.
 */
export function findCommand(command: string, path: string, cwd: string): string | undefined {
  return candidates(command, path, cwd).find(isExecutableFile);
}
