// Fetches the URL given as the first argument, giving up after two seconds.
import { attempt } from "./_attempt.ts";
await attempt(async () => {
  const response = await fetch(Deno.args[0]!, { signal: AbortSignal.timeout(2000) });
  return `${response.status} ${await response.text()}`;
});
