// Opens a raw TCP connection to HOST PORT (arguments), giving up after two seconds.
import { attempt } from "./_attempt.ts";
await attempt(async () => {
  const connection = await Promise.race([
    Deno.connect({ hostname: Deno.args[0]!, port: Number(Deno.args[1]) }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("gave up")), 2000)),
  ]);
  connection.close();
  return "connected";
});
