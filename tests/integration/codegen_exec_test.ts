import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI } from "../helpers/paths.ts";
import { deno, makeProject } from "../fixtures/codegen/project.ts";

Deno.test("a script using generated wrappers runs in the fast tier through the bridge", async () => {
  const dir = await makeProject(["nasty"], {}, { denoJson: false });
  const mcpx = (...args: string[]) => deno(dir, ["run", "-A", CLI, ...args]);
  try {
    await Deno.writeTextFile(
      join(dir, "discovery_config.json"),
      JSON.stringify({ servers: { nasty: { safeTools: { "echo-args": { text: "a" } } } } }),
    );
    const discovered = await mcpx("discover");
    assert.equal(discovered.code, 0, discovered.stderr);
    await Deno.writeTextFile(
      join(dir, "workspace", "scratch.ts"),
      `import { echoArgs, kitchenSink } from "../servers/nasty/index.ts";
const result = await echoArgs({ text: "hi", times: 2 });
const words: string[] = result.words;
console.log(JSON.stringify({ words, times: result.times }));
try {
  await kitchenSink({ mode: "nope" } as never);
} catch (error) {
  console.log((error as { code?: string }).code, (error as Error).message.includes("input.mode"));
}
`,
    );
    const run = await mcpx("exec", "--tier", "deno", "--servers", "nasty", "workspace/scratch.ts");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '{"words":["hi"],"times":2}\nINVALID_ARGUMENTS true\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
