// Tries to write the path given as the first argument (outside the workspace, or the skill itself).
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.writeTextFile(Deno.args[0]!, "pwned\n"));
