/**
 * The static reading of a skill's manifest literal: what it accepts, what it skips without
 * interpreting, and what it refuses (with the one line that asks for literals).
 */
import assert from "node:assert/strict";
import { readManifestLiteral } from "../../lib/skills/literal.ts";
import { SkillError } from "../../lib/errors.ts";

const wrap = (body: string, before = "") =>
  `import { z } from "zod";\nimport { defineSkill } from "mcpx/skill";\n${before}\n` +
  `export default defineSkill({\n${body}\n});\n`;

Deno.test("readManifestLiteral() reads name, servers and permissions, skipping other keys", () => {
  const source = wrap(`
  name: "fetch",
  // a comment with defineSkill({ permissions: { read: ["/"] } })
  args: z.object({
    url: z.string().regex(/^https?:\\/\\/[^}]+$/).describe("The URL, } included"),
    n: z.number().default(1 / 2),
  }),
  servers: ["filesystem", 'memory'],
  permissions: { net: [{ fromArg: "url" }, "example.com:443"], read: ["data/in.csv"], env: ["TOKEN"] },
  async run(args, ctx) {
    const t = \`\${args.url} } { "permissions": \`;
    if (args.n > 0) return 0;
  },`);
  const m = readManifestLiteral(source, "s.ts");
  assert.equal(m.name, "fetch");
  assert.deepEqual(m.servers, ["filesystem", "memory"]);
  assert.deepEqual(m.permissions, {
    net: [{ fromArg: "url" }, "example.com:443"],
    read: ["data/in.csv"],
    env: ["TOKEN"],
  });
});

Deno.test("readManifestLiteral() defaults to no servers and no permissions", () => {
  const m = readManifestLiteral(wrap("args: z.object({}), run() {}"), "s.ts");
  assert.deepEqual([m.name, m.servers, m.permissions], [undefined, [], {}]);
});

Deno.test("readManifestLiteral() refuses anything that is not a literal, in one line", async (t) => {
  const cases: [string, string, string][] = [
    ["a variable", "args: z.object({}), servers: list, run() {}", "servers is not a literal"],
    [
      "a call",
      "args: z.object({}), permissions: perms(), run() {}",
      "permissions is not a literal",
    ],
    ["a spread", "args: z.object({}), ...more, run() {}", "spread or computed key"],
    [
      "a computed key",
      'args: z.object({}), ["permissions"]: {}, run() {}',
      "spread or computed key",
    ],
    [
      "a spread inside",
      "args: z.object({}), servers: [...a], run() {}",
      "servers is not a literal",
    ],
    [
      "an interpolation",
      "args: z.object({}), servers: [`${a}`], run() {}",
      "servers is not a literal",
    ],
    ["an escape", 'args: z.object({}), servers: ["\\x41"], run() {}', "servers is not a literal"],
    [
      "a method",
      "args: z.object({}), permissions() { return {}; }, run() {}",
      "permissions is not a literal",
    ],
    [
      "a getter",
      "args: z.object({}), get servers() { return []; }, run() {}",
      "servers is not a literal",
    ],
    [
      "a wrong shape",
      'args: z.object({}), permissions: { net: [{ host: "x" }] }, run() {}',
      "strings or { fromArg",
    ],
    [
      "an unknown permission",
      "args: z.object({}), permissions: { run: [] }, run() {}",
      "permissions.run is not a permission",
    ],
    [
      "servers of numbers",
      "args: z.object({}), servers: [1], run() {}",
      "servers must be an array of strings",
    ],
    [
      "twice",
      "args: z.object({}), servers: [], servers: ['x'], run() {}",
      "servers is given twice",
    ],
  ];
  for (const [name, body, message] of cases) {
    await t.step(name, () => {
      assert.throws(
        () => readManifestLiteral(wrap(body), "s.ts"),
        (error) =>
          error instanceof SkillError && error.code === "SKILL_INVALID" &&
          error.message.startsWith("s.ts: ") && error.message.includes(message) &&
          error.message.includes("write them as literals") && !error.message.includes("\n"),
      );
    });
  }
  await t.step("no single export default defineSkill({", () => {
    for (
      const source of [
        "const s = defineSkill({ args: z.object({}), run() {} });\nexport default s;",
        wrap("args: z.object({}), run() {}") + wrap("args: z.object({}), run() {}"),
        '// export default defineSkill({ servers: ["x"] })\nexport default 1;',
      ]
    ) {
      assert.throws(() => readManifestLiteral(source, "s.ts"), SkillError);
    }
  });
});
