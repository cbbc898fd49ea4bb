import assert from "node:assert/strict";

const BOOTSTRAP = new URL("../../lib/harness/_bootstrap.ts", import.meta.url).href;

/** Runs the bootstrap with `early`, its preload standing for an npm package that starts Workers
 * at its top level; no arguments arrive on stdin, so it ends after the preload. */
async function preloadSees(workers: number): Promise<string> {
  const entry = `import { bootstrap } from ${JSON.stringify(BOOTSTRAP)};
const worker = "data:text/javascript,";
await bootstrap(["--args-on-stdin"], () => import("data:text/javascript,"), {
  workers: ${workers},
  preload: async () => {
    const seen = [];
    for (let i = 0; i < 3; i++) {
      try { new Worker(worker, { type: "module" }).terminate(); seen.push("started"); }
      catch (error) { seen.push(error.name); }
    }
    console.log(seen.join(","));
  },
});`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `data:application/javascript,${encodeURIComponent(entry)}`],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("the Worker bound holds before npm modules are loaded ahead of a run's arguments", async () => {
  // A package evaluated early gets the run's bound too: it cannot start more Workers than the run.
  assert.equal(await preloadSees(1), "started,QuotaExceededError,QuotaExceededError");
  assert.equal(await preloadSees(2), "started,started,QuotaExceededError");
});
