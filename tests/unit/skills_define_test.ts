import assert from "node:assert/strict";
import { z } from "zod";
import { defineSkill, isSkill, SKILL_MARK } from "../../lib/skills/define.ts";

Deno.test("defineSkill() returns a frozen, marked definition", () => {
  const skill = defineSkill({
    args: z.object({ who: z.string().describe("Whom to greet") }),
    servers: ["everything"],
    run: () => 0,
  });
  assert.ok(isSkill(skill));
  assert.ok(Object.isFrozen(skill));
  assert.equal(skill[SKILL_MARK], true);
  assert.deepEqual(skill.servers, ["everything"]);
});

Deno.test("isSkill() recognises the mark from any copy of the module, and nothing else", () => {
  assert.ok(isSkill({ [Symbol.for("mcpx.skill")]: true }));
  assert.equal(isSkill({ args: {}, run() {} }), false);
  assert.equal(isSkill(null), false);
  assert.equal(isSkill("skill"), false);
});

Deno.test("defineSkill() refuses a definition without run()", () => {
  assert.throws(
    () => defineSkill({ args: z.object({}) } as never),
    (e: unknown) => e instanceof TypeError && /needs a run\(args, ctx\) function/.test(e.message),
  );
  assert.throws(() => defineSkill(null as never), TypeError);
});
