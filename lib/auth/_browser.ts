/**
 * Opening the user's browser for `mcpx auth`, only when there is one to open: `open` on macOS,
 * `xdg-open` elsewhere with a graphical session (`DISPLAY` or `WAYLAND_DISPLAY`).
 *
 * @module
 */
import { findCommand } from "../client/_which.ts";

/** The program that opens URLs here, or `undefined` when this machine has no usable browser. */
export function browserOpener(env: Readonly<Record<string, string>>): string | undefined {
  const path = env.PATH ?? "";
  if (Deno.build.os === "darwin") return findCommand("open", path, "/");
  if (Deno.build.os === "windows") return undefined;
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return findCommand("xdg-open", path, "/");
}

/** Starts `opener url`; resolves to `true` when it exited with status 0. */
export async function openBrowser(opener: string, url: string): Promise<boolean> {
  try {
    const child = new Deno.Command(opener, {
      args: [url],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return (await child.status).success;
  } catch {
    return false;
  }
}
