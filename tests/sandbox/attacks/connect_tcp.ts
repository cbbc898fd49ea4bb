// Opens a raw TCP connection to HOST PORT (arguments), giving up after two seconds.
import { attempt } from "./_attempt.ts";
await attempt(async () => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("gave up after 2 s")), 2000);
  });
  try {
    const connection = await Promise.race([
      Deno.connect({ hostname: Deno.args[0]!, port: Number(Deno.args[1]) }),
      giveUp,
    ]);
    connection.close();
    return "connected";
  } finally {
    clearTimeout(timer);
  }
});
