import assert from "node:assert/strict";
import type { ResourceInfo } from "../../lib/client/resource_types.ts";
import { renderServer } from "../../lib/codegen/render_server.ts";
import { assertGolden, writeProject } from "../fixtures/codegen/helpers.ts";

/** Resources whose URIs, names and descriptions try to break out of strings and comments. */
const NASTY_RESOURCES: ResourceInfo[] = [
  { uri: "z://last", name: "last" },
  {
    uri: 'q://"quoted"/\\back\\slash/${x}`tick`',
    name: "*/ closes a comment",
    mimeType: "text/plain",
    description: "Ends a comment */ early\nand spans lines",
  },
  { uri: "a://first", name: "first", mimeType: "application/octet-stream", extra: { n: 1 } },
  { uri: "a://first", name: "duplicate of first" },
];

Deno.test("resources.ts is deterministic, escapes what servers send, and passes deno check and lint", async () => {
  const files = renderServer({ server: "res'ources", tools: [], resources: NASTY_RESOURCES });
  const unique = NASTY_RESOURCES.slice(0, 3);
  const reversed = renderServer({ server: "res'ources", tools: [], resources: unique.reverse() });
  const text = files.get("res'ources/resources.ts")!;
  assert.equal(text.indexOf("a://first") < text.indexOf("z://last"), true, "sorted by URI");
  // The first of two entries with one URI wins; input order only decides that.
  assert.equal(
    reversed.get("res'ources/resources.ts")!.replace("duplicate of first", "first"),
    text,
  );
  await assertGolden("nasty/resources.ts", text);
  assert.equal(renderServer({ server: "plain", tools: [] }).has("plain/resources.ts"), false);

  const dir = await writeProject(new Map([...files, ["use.ts", USE]]));
  try {
    for (const args of [["check", "."], ["lint", "."]]) {
      const out = await new Deno.Command(Deno.execPath(), { args, cwd: dir }).output();
      assert.equal(out.code, 0, `deno ${args[0]}:\n${new TextDecoder().decode(out.stderr)}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const USE = `import { RESOURCES, type ResourceUri } from "./res'ources/resources.ts";
export const uris: readonly ResourceUri[] = RESOURCES.map((r) => r.uri);
export const tricky: ResourceUri = 'q://"quoted"/\\\\back\\\\slash/\${x}\`tick\`';
`;
