import assert from "node:assert/strict";
import { ClientError } from "../../lib/errors.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import {
  httpServer,
  startEverything,
  startProxiedEverything,
  testConfig,
} from "../helpers/servers.ts";

Deno.test("callTool() works over streamable HTTP", async () => {
  await using server = await startEverything("streamableHttp");
  await using manager = new McpClientManager({
    config: testConfig(httpServer("remote", `http://127.0.0.1:${server.port}/mcp`)),
  });
  const result = await manager.callTool("remote", "get-sum", { a: 2, b: 3 });
  assert.equal(result.value, "The sum of 2 and 3 is 5.");
  assert.equal(manager.state, "CONNECTED");
  assert.equal(manager.stats("remote").pid, undefined);
});

Deno.test("callTool() works over SSE", async () => {
  await using server = await startEverything("sse");
  await using manager = new McpClientManager({
    config: testConfig(
      httpServer("remote", `http://127.0.0.1:${server.port}/sse`, { type: "sse" }),
    ),
  });
  const result = await manager.callTool("remote", "get-sum", { a: 2, b: 3 });
  assert.equal(result.value, "The sum of 2 and 3 is 5.");
});

Deno.test("a url without type falls back to SSE against an SSE-only server", async () => {
  await using server = await startEverything("sse");
  await using manager = new McpClientManager({
    config: testConfig(
      httpServer("remote", `http://127.0.0.1:${server.port}/sse`, { fallbackToSse: true }),
    ),
  });
  const result = await manager.callTool("remote", "get-sum", { a: 1, b: 2 });
  assert.equal(result.value, "The sum of 1 and 2 is 3.");
});

Deno.test("a url without type uses streamable HTTP when the server speaks it", async () => {
  await using server = await startEverything("streamableHttp");
  await using manager = new McpClientManager({
    config: testConfig(
      httpServer("remote", `http://127.0.0.1:${server.port}/mcp`, { fallbackToSse: true }),
    ),
  });
  const result = await manager.callTool("remote", "get-sum", { a: 1, b: 2 });
  assert.equal(result.value, "The sum of 1 and 2 is 3.");
});

Deno.test("header auth through mcp-proxy: works with the key, AUTH_REQUIRED without", async (t) => {
  await using proxy = await startProxiedEverything("s3cret");
  const url = `http://127.0.0.1:${proxy.port}/mcp`;
  await t.step("with the X-API-Key header the call succeeds", async () => {
    await using manager = new McpClientManager({
      config: testConfig(httpServer("proxied", url, { headers: { "X-API-Key": "s3cret" } })),
    });
    const result = await manager.callTool("proxied", "get-sum", { a: 2, b: 3 });
    assert.equal(result.value, "The sum of 2 and 3 is 5.");
  });
  for (const [label, headers] of [["without", {}], ["with a wrong", { "X-API-Key": "nope" }]]) {
    await t.step(`${label} key the call fails with AUTH_REQUIRED`, async () => {
      await using manager = new McpClientManager({
        config: testConfig(
          httpServer("proxied", url, { headers: headers as Record<string, string> }),
        ),
      });
      const error = await manager.callTool("proxied", "get-sum", { a: 1, b: 1 }).catch((e) => e);
      assert.ok(error instanceof ClientError, String(error));
      assert.equal(error.code, "AUTH_REQUIRED", error.message);
      assert.match(error.message, /"proxied"/);
      assert.match(error.message, /"headers"/);
    });
  }
});

Deno.test("an unreachable url fails with CONNECT_FAILED", async () => {
  await using manager = new McpClientManager({
    config: testConfig(httpServer("gone", "http://127.0.0.1:9/mcp")),
  });
  const error = await manager.callTool("gone", "x").catch((e) => e);
  assert.ok(error instanceof ClientError, String(error));
  assert.equal(error.code, "CONNECT_FAILED", error.message);
  assert.match(error.message, /127\.0\.0\.1:9/);
});

Deno.test("callTool() reconnects after an HTTP server restarts", async () => {
  const first = await startEverything("streamableHttp");
  await using manager = new McpClientManager({
    config: testConfig(httpServer("remote", `http://127.0.0.1:${first.port}/mcp`)),
  });
  assert.equal(
    (await manager.callTool("remote", "get-sum", { a: 1, b: 1 })).value,
    "The sum of 1 and 1 is 2.",
  );
  await first.close();
  const error = await manager.callTool("remote", "get-sum", { a: 1, b: 1 }).catch((e) => e);
  assert.ok(error instanceof ClientError, String(error));
  // SERVER_EXITED when the call finds the old connection still open; CONNECT_FAILED when the
  // manager saw the stream drop first and the reconnect finds nobody listening. Both say the
  // server is gone; which one depends on which the event loop handles first.
  assert.ok(["SERVER_EXITED", "CONNECT_FAILED"].includes(error.code), error.message);
  await using _second = await startEverything("streamableHttp", first.port);
  assert.equal(
    (await manager.callTool("remote", "get-sum", { a: 2, b: 2 })).value,
    "The sum of 2 and 2 is 4.",
  );
  assert.equal(manager.stats("remote").connects, 2);
});
