// Reads through `link`, a symlink planted in the workspace that points outside it.
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.readTextFile("link"));
