// Imports the path given as the first argument through a computed specifier (not in the module
// graph the harness checked), as text when the second argument is "text", else as a module.
import { attempt } from "./_attempt.ts";
const [path, kind] = Deno.args as [string, string | undefined];
await attempt(async () => {
  const module = kind === "text"
    ? await import(path, { with: { type: "text" } })
    : await import(path);
  return JSON.stringify(module.default ?? module);
});
