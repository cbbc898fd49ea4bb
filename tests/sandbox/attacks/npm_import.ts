// Tries to load an npm package that the harness did not cache.
import { attempt } from "./_attempt.ts";
const specifier = "npm:left-pad@1.3.0";
await attempt(() => import(specifier));
