// Tries to start a shell.
import { attempt } from "./_attempt.ts";
await attempt(async () => (await new Deno.Command("sh", { args: ["-c", "id"] }).output()).code);
