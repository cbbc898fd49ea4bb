/** Adapter for `node:url` where `@std/path` would go (JSR is unreachable). @module */
import { fileURLToPath } from "node:url";

/** `file:` URL to an absolute path. */
export function fromFileUrl(url: string): string {
  return fileURLToPath(url);
}
