import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI, SERVERS } from "../helpers/paths.ts";

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
  const dir = await Deno.makeTempDir({ prefix: "mcpx-user-project-" });
  try {
    await Deno.mkdir(join(dir, "skills"));
    await Deno.writeTextFile(join(dir, "skills", "add.ts"), SKILL);
    await Deno.writeTextFile(
      join(dir, "mcp_config.json"),
      JSON.stringify({
        mcpServers: {
          everything: {
            command: Deno.execPath(),
            args: ["run", "-A", "--quiet", SERVERS.everything],
          },
        },
      }),
    );
    const run = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", CLI, ...args],
        cwd: dir,
        env: { NO_COLOR: "1" },
      }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const exec = await run("exec", "skills/add.ts", "--a", "2", "--b", "3");
    assert.equal(exec.code, 0, decode(exec.stderr));
    assert.equal(decode(exec.stdout), "The sum of 2 and 3 is 5.\n");
    const list = await run("skills");
    assert.equal(decode(list.stdout), "add  Add two numbers with the everything server.\n");
    // mcpx wrote no deno.json or lock file into the user's project.
    const entries = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(entries, ["mcp_config.json", "skills", "workspace"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
