/**
 * bench/skills/transform_records.ts
 * Clean and enrich a JSON file of customer records and write the result next to it.
 * (Reads the records through the filesystem server, normalises names, derives age groups and
 * cents, writes <file>.out.json, prints counts per country and age group.)
 *
 * Arguments:
 *   --file PATH    records inside the workspace (default bench_tasks/customers.json)
 *
 * Example: deno task exec bench/skills/transform_records.ts
 * Output:  {"written":"bench_tasks/customers.out.json","records":50,"byCountry":{…},"byAge":{…}}
 */
import { z } from "zod";
import { defineSkill } from "../../lib/skills/define.ts";
import { type Customer, transform } from "./_task_data.ts";

export default defineSkill({
  args: z.object({
    file: z.string().default("bench_tasks/customers.json").describe("Records in the workspace"),
  }),
  servers: ["filesystem"],
  async run(args, ctx) {
    const path = `${ctx.workspace}/${args.file}`;
    const read = await ctx.callTool("filesystem", "read_text_file", { path });
    const value = read.value as string | { content: string };
    const records = JSON.parse(typeof value === "string" ? value : value.content) as Customer[];
    const out = records.map(transform);
    const target = args.file.replace(/\.json$/, ".out.json");
    await ctx.callTool("filesystem", "write_file", {
      path: `${ctx.workspace}/${target}`,
      content: JSON.stringify(out, null, 2),
    });
    const count = (key: "country" | "ageGroup") =>
      Object.fromEntries(
        [...new Set(out.map((r) => r[key]))].sort().map((k) => [
          k,
          out.filter((r) => r[key] === k).length,
        ]),
      );
    console.log(
      JSON.stringify({
        written: target,
        records: out.length,
        byCountry: count("country"),
        byAge: count("ageGroup"),
      }),
    );
  },
});
