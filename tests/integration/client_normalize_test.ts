import assert from "node:assert/strict";
import { McpClientManager } from "../../lib/client/manager.ts";
import { fixtureServer, testConfig } from "../helpers/servers.ts";

Deno.test("callTool() applies the server's normalize strategy from the config", async (t) => {
  for (
    const [strategy, key] of [
      ["none", "echoed"],
      [{ map: { echoed: "Echoed.Text" } }, "Echoed.Text"],
    ] as const
  ) {
    await t.step(`normalize: ${JSON.stringify(strategy)}`, async () => {
      const server = { ...fixtureServer("fixture", "misbehaving.ts"), normalize: strategy };
      await using manager = new McpClientManager({ config: testConfig(server) });
      const result = await manager.callTool("fixture", "echo", { text: "hi" });
      assert.deepEqual(result.value, { [key]: "hi" });
      assert.deepEqual(result.structuredContent, { [key]: "hi" });
      // The content items stay exactly as the server sent them.
      assert.deepEqual(result.content, [{ type: "text", text: '{"echoed":"hi"}' }]);
    });
  }
});
