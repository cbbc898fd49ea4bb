/**
 * bench/skills/summarise_notes.ts
 * Summarise the notes in a workspace folder: per file, how often a word occurs and its first line.
 * (Lists the folder and reads every file through the filesystem server; prints one line per file
 * that mentions the word, and a total.)
 *
 * Arguments:
 *   --dir PATH      folder inside the workspace (default bench_tasks/notes)
 *   --word WORD     the word to look for, case-insensitive (default timeout)
 *
 * Example: deno task exec bench/skills/summarise_notes.ts --word retry
 * Output:  notes_01.md: 5× — "the service timeout team …"   (one line per file, then a total)
 */
import { z } from "zod";
import { defineSkill } from "../../lib/skills/define.ts";

export default defineSkill({
  args: z.object({
    dir: z.string().default("bench_tasks/notes").describe("Folder inside the workspace"),
    word: z.string().min(1).default("timeout").describe("Word to count, case-insensitive"),
  }),
  servers: ["filesystem"],
  async run(args, ctx) {
    const dir = `${ctx.workspace}/${args.dir}`;
    const listing = await ctx.callTool("filesystem", "list_directory", { path: dir });
    const text = listing.content.map((c) => (c as { text?: string }).text ?? "").join("\n");
    const files = [...text.matchAll(/^\[FILE\] (.+)$/gm)].map((m) => m[1]!).sort();
    const read = await ctx.callTool("filesystem", "read_multiple_files", {
      paths: files.map((f) => `${dir}/${f}`),
    });
    const all = read.content.map((c) => (c as { text?: string }).text ?? "").join("\n");
    const word = new RegExp(`\\b${args.word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i");
    let total = 0;
    for (const file of files) {
      const start = all.indexOf(`${dir}/${file}:\n`);
      const end = files.map((f) => all.indexOf(`${dir}/${f}:\n`)).filter((i) => i > start)
        .reduce((a, b) => Math.min(a, b), all.length);
      const lines = all.slice(start, end).split("\n").filter((l) => word.test(l));
      if (lines.length === 0) continue;
      total += lines.length;
      console.log(`${file}: ${lines.length}× — "${lines[0]!.slice(0, 60)}…"`);
    }
    console.log(`${total} lines mention "${args.word}" in ${files.length} files`);
  },
});
