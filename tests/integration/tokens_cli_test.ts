import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI, SERVERS } from "../helpers/paths.ts";
import { countTokens } from "../../lib/tokens/count.ts";
import type { TokenReport } from "../../lib/tokens/report.ts";

const SKILL = `/**
 * Greet: say hello to someone.
 *
 * Usage: mcpx exec skills/greet.ts --name Ada
 */
console.log("hello");
`;

Deno.test("mcpx tokens measures every level against the servers' real tools/list", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-tokens-" });
  try {
    await Deno.mkdir(join(dir, "skills"));
    await Deno.writeTextFile(join(dir, "skills", "greet.ts"), SKILL);
    await Deno.writeTextFile(join(dir, "skills", "other.ts"), "// Other: nothing.\n");
    await Deno.writeTextFile(
      join(dir, "mcp_config.json"),
      JSON.stringify({
        mcpServers: {
          everything: {
            command: Deno.execPath(),
            args: ["run", "-A", "--quiet", SERVERS.everything],
          },
          off: { command: "does-not-exist", disabled: true },
        },
      }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", CLI, "tokens", "--skill", "greet", "--json"],
      cwd: dir,
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const report: TokenReport = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(report.tokenizer, "gpt-tokenizer 4.0.0 (o200k_base)");
    const [baseline, index, header, file, serve] = report.rows;
    // Only the enabled server is listed; server-everything lists over a dozen tools.
    assert.match(baseline!.label, /^tools\/list of 1 servers \(\d+ tools\)/);
    assert.ok(baseline!.tokens! > 1000, `baseline ${baseline!.tokens}`);
    assert.equal(index!.tokens, undefined);
    assert.equal(index!.missing, "run mcpx generate");
    // The listing and header row is exactly `ls skills` plus the header text.
    const headerText =
      "Greet: say hello to someone.\n\nUsage: mcpx exec skills/greet.ts --name Ada";
    assert.equal(header!.tokens, countTokens(`greet.ts\nother.ts\n${headerText}`));
    assert.equal(file!.tokens, countTokens(SKILL));
    assert.ok(header!.reductionPercent! > 95);
    assert.equal(serve!.label, "tools/list of mcpx serve");
    assert.ok(serve!.tokens! > 100 && serve!.tokens! < baseline!.tokens!);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
