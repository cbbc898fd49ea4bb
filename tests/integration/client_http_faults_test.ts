/**
 * HTTP faults: a server that dies mid-call fails the call at once with SERVER_EXITED (not after
 * its timeout), over streamable HTTP and SSE; a streamable HTTP server that restarted (our
 * session unknown to it) is reconnected transparently for the call that met it.
 */
import assert from "node:assert/strict";
import { ClientError } from "../../lib/errors.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import { httpServer, startEverything, startHttpFixture, testConfig } from "../helpers/servers.ts";

for (const kind of ["streamableHttp", "sse"] as const) {
  Deno.test(`a ${kind} server killed during a call fails it at once with SERVER_EXITED`, async () => {
    await using server = await startEverything(kind);
    const path = kind === "sse" ? "sse" : "mcp";
    await using manager = new McpClientManager({
      config: testConfig(
        httpServer("e", `http://127.0.0.1:${server.port}/${path}`, {
          type: kind === "sse" ? "sse" : "http",
          timeoutMs: 30_000,
        }),
      ),
    });
    assert.equal((await manager.callTool("e", "echo", { message: "x" })).value, "Echo: x");
    const call = manager.callTool("e", "trigger-long-running-operation", {
      duration: 20,
      steps: 4,
    });
    call.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    const killed = performance.now();
    Deno.kill(server.pid, "SIGKILL");
    const error = await call.then(() => undefined, (e) => e);
    const seconds = (performance.now() - killed) / 1000;
    assert.ok(error instanceof ClientError, String(error));
    assert.equal(error.code, "SERVER_EXITED");
    // The call's timeout is 30 s; it ended within moments of the server's death.
    assert.ok(seconds < 5, `took ${seconds} s`);
  });
}

Deno.test("a streamable HTTP server that restarted is reconnected for the call that found it out", async () => {
  const first = await startHttpFixture("restartable_http.ts");
  const port = first.port;
  await using manager = new McpClientManager({
    config: testConfig(httpServer("r", `http://127.0.0.1:${port}/mcp`)),
  });
  assert.equal((await manager.callTool("r", "echo", { message: "a" })).value, "echo: a");
  Deno.kill(first.pid, "SIGKILL");
  await first.close();
  await using _second = await startHttpFixture("restartable_http.ts", port);
  assert.equal((await manager.callTool("r", "echo", { message: "b" })).value, "echo: b");
  assert.equal(manager.stats("r").connects, 2);
});
