/**
 * skills/fetch.ts
 * Fetch a web page and print it as readable text (HTML becomes Markdown).
 *
 * Arguments:
 *   --url URL         page to fetch (required); the skill may reach this host only
 *   --max-length N    cut the text after N characters, with a marker (default 5000)
 *   --raw             print the body exactly as received
 *   --save NAME       also write the text to workspace/NAME (filesystem server)
 *
 * Example: deno task exec skills/fetch.ts --url https://example.com --max-length 2000
 */
import { z } from "zod";
import { NodeHtmlMarkdown } from "node-html-markdown";
import { defineSkill } from "../lib/skills/define.ts";

export default defineSkill({
  args: z.object({
    url: z.url({ protocol: /^https?$/ }).describe("Page to fetch, http or https"),
    maxLength: z.number().int().min(1).default(5000).describe(
      "Cut the text after this many characters",
    ),
    raw: z.boolean().default(false).describe("Print the body as received, without conversion"),
    save: z.string().regex(
      /^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/,
      "a relative path inside the workspace",
    )
      .optional().describe("Also write the text to this file in the workspace"),
  }),
  servers: ["filesystem"],
  // node-html-markdown reads process.env.LOG_PERF while converting; nothing else is readable.
  permissions: { net: [{ fromArg: "url" }], env: ["LOG_PERF"] },
  async run(args, ctx) {
    const response = await fetch(args.url, { signal: ctx.signal, redirect: "follow" });
    const body = await response.text();
    if (!response.ok) {
      throw new Error(`GET ${args.url} answered ${response.status} ${response.statusText}`);
    }
    const type = response.headers.get("content-type") ?? "";
    const text = args.raw || !/html/i.test(type) ? body : NodeHtmlMarkdown.translate(body);
    const shown = text.length > args.maxLength
      ? `${text.slice(0, args.maxLength)}\n\n[truncated: ${args.maxLength} of ${text.length} ` +
        `characters shown; raise --max-length to see more]`
      : text;
    if (args.save !== undefined) {
      await ctx.callTool("filesystem", "write_file", { path: args.save, content: shown });
      ctx.log(`saved to workspace/${args.save}`);
    }
    console.log(shown);
  },
});
