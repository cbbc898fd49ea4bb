// Tries to learn about the host (hostname, network interfaces).
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.hostname());
await attempt(() => JSON.stringify(Deno.networkInterfaces()));
