// Tries to create its own symlink to a file outside the workspace.
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.symlink("/etc/passwd", "my_link"));
