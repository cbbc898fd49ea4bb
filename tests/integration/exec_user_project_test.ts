import assert from "node:assert/strict";
import { join } from "node:path";
import { execProject } from "./_exec_project.ts";

const SKILL = `/**
 * skills/add.ts
 * Add two numbers with the everything server.
 *
 * Example: mcpx exec skills/add.ts --a 2 --b 3
 */
import { z } from "zod";
import { defineSkill } from "mcpx/skill";

export default defineSkill({
  args: z.object({
    a: z.number().describe("First number"),
    b: z.number().describe("Second number"),
  }),
  servers: ["everything"],
  async run(args, ctx) {
    console.log((await ctx.callTool("everything", "get-sum", args)).value);
  },
});
`;

Deno.test("a project of its own, with no deno.json, writes skills against mcpx/skill", async () => {
  await using project = await execProject();
  await Deno.mkdir(join(project.root, "skills"));
  await Deno.writeTextFile(join(project.root, "skills", "add.ts"), SKILL);
  const exec = await project.exec(["skills/add.ts", "--a", "2", "--b", "3"]);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout, "The sum of 2 and 3 is 5.\n");
  const list = await project.mcpx(["skills"]);
  assert.equal(list.stdout, "add  Add two numbers with the everything server.\n");
  // mcpx wrote no deno.json or lock file into the user's project.
  const entries = (await Array.fromAsync(Deno.readDir(project.root))).map((e) => e.name).sort();
  assert.deepEqual(entries, ["mcp_config.json", "skills", "workspace"]);
});
