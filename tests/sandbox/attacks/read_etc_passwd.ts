// Tries to read a system file outside the workspace.
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.readTextFile("/etc/passwd"));
