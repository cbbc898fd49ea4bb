// Tries to open a listening socket (to serve something to the outside).
import { attempt } from "./_attempt.ts";
await attempt(() => {
  const listener = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  listener.close();
  return "listening";
});
