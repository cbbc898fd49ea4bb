/** Adapter so tests use node:path/node:url where @std/path would go (JSR is unreachable). */
export { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
/** `file:` URL to path. */
export function fromFileUrl(url: string | URL): string {
  return fileURLToPath(url);
}
