// Tries to read the whole environment, then HOME, then the variable named by the first argument.
import { attempt } from "./_attempt.ts";
await attempt(() => JSON.stringify(Deno.env.toObject()));
await attempt(() => Deno.env.get("HOME"));
if (Deno.args[0]) await attempt(() => Deno.env.get(Deno.args[0]!));
