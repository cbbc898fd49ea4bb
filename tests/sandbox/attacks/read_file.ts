// Tries to read the path given as the first argument (e.g. the real ~/.ssh/id_ed25519).
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.readTextFile(Deno.args[0]!));
