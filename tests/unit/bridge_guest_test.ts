import assert from "node:assert/strict";
import { connectBridge, installBridge } from "../../lib/bridge/guest.ts";
import { startBridgeHost } from "../../lib/bridge/host.ts";
import { callTool, getToolCaller } from "../../lib/bridge/runtime.ts";
import { TOOL_CALLER_KEY } from "../../lib/client/types.ts";
import { BridgeError, ToolError } from "../../lib/errors.ts";
import { ROOT } from "../helpers/paths.ts";
import { echoCaller } from "../fixtures/bridge/echo_caller.ts";

const codeOf = (error: unknown) => (error as { code?: string }).code;

Deno.test("BridgeGuest calls tools through the host", async (t) => {
  const caller = echoCaller();
  await using host = await startBridgeHost(caller, { allowedServers: ["alpha"] });
  await using guest = await connectBridge(host.socketPath);

  await t.step("callTool() returns the ToolResult the caller made", async () => {
    assert.deepEqual(await guest.callTool("alpha", "echo", { a: [1, "é"] }), {
      value: { a: [1, "é"] },
      structuredContent: { echoed: { a: [1, "é"] } },
      content: [{ type: "text", text: '{"a":[1,"é"]}' }],
      meta: { server: "alpha" },
    });
  });

  await t.step("listTools() and listServers() (allowed servers only)", async () => {
    assert.deepEqual((await guest.listTools("alpha")).map((tool) => tool.name), ["echo", "fail"]);
    assert.deepEqual((await guest.listServers()).map((server) => server.name), ["alpha"]);
  });

  await t.step("TOOL_ERROR comes back as a ToolError with the server's content", async () => {
    const error = await guest.callTool("alpha", "fail").catch((e) => e);
    assert.ok(error instanceof ToolError);
    assert.equal(error.message, 'Tool "alpha.fail" failed: it broke on purpose');
    assert.equal(error.server, "alpha");
    assert.equal(error.tool, "fail");
    assert.deepEqual(error.content, [{ type: "text", text: "it broke on purpose" }]);
  });

  await t.step("other codes come back as a BridgeError with the same code", async () => {
    for (
      const [tool, server, code] of [
        ["echo", "beta", "SERVER_NOT_ALLOWED"],
        ["nope", "alpha", "UNKNOWN_TOOL"],
        ["crash", "alpha", "INTERNAL"],
      ]
    ) {
      const error = await guest.callTool(server!, tool!).catch((e) => e);
      assert.ok(error instanceof BridgeError, String(error));
      assert.equal(error.code, code);
    }
    await assert.rejects(guest.listTools("beta"), /not allowed/);
  });

  await t.step("100 calls are in flight at once and replies come out of order", async () => {
    const order: number[] = [];
    const calls = Array.from(
      { length: 100 },
      (_, i) =>
        // Odd calls are quick, even ones slow: every reply of an odd call overtakes.
        guest.callTool("alpha", "echo", { i, delayMs: i % 2 ? 150 : 400 }).then((r) => {
          order.push(i);
          return r.value;
        }),
    );
    const values = await Promise.all(calls);
    assert.deepEqual(values.map((v) => (v as { i: number }).i), [...Array(100).keys()]);
    assert.equal(caller.peak, 100);
    assert.ok(order.slice(0, 50).every((i) => i % 2 === 1), `order ${order}`);
  });

  await t.step("10,000 calls at once all settle", async () => {
    const results = await Promise.allSettled(
      Array.from(
        { length: 10_000 },
        (_, i) => guest.callTool(i % 2 ? "alpha" : "beta", "echo", { i }),
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 5_000);
    assert.ok(
      results.every((r) => r.status === "fulfilled" || codeOf(r.reason) === "SERVER_NOT_ALLOWED"),
    );
  });

  await t.step("an aborted signal cancels the call on the host too", async () => {
    const aborted = caller.aborted;
    const controller = new AbortController();
    const call = guest.callTool("alpha", "echo", { delayMs: 10_000 }, {
      signal: controller.signal,
    });
    while (caller.active === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    assert.equal(codeOf(await call.catch((e) => e)), "CANCELLED");
    while (caller.aborted === aborted) await new Promise((r) => setTimeout(r, 5));
    const already = guest.callTool("alpha", "echo", {}, { signal: AbortSignal.abort() });
    assert.equal(codeOf(await already.catch((e) => e)), "CANCELLED");
  });

  await t.step("arguments that are not JSON: INVALID_ARGUMENTS, nothing sent", async () => {
    const sent = caller.received.length;
    const error = await guest.callTool("alpha", "echo", { n: 1n }).catch((e) => e);
    assert.equal(codeOf(error), "INVALID_ARGUMENTS");
    assert.match(error.message, /alpha\.echo cannot be sent as JSON/);
    assert.equal(caller.received.length, sent);
  });

  await t.step("timeoutMs is enforced: TIMEOUT", async () => {
    const error = await guest.callTool("alpha", "echo", { delayMs: 10_000 }, { timeoutMs: 30 })
      .catch((e) => e);
    assert.equal(codeOf(error), "TIMEOUT");
  });

  await t.step("onProgress receives the server's progress", async () => {
    const seen: string[] = [];
    const result = await guest.callTool("alpha", "progress", {}, {
      onProgress: (p) => seen.push(`${p.progress}/${p.total} ${p.message}`),
    });
    assert.equal(result.value, "done");
    assert.deepEqual(seen, ["1/3 step 1", "2/3 step 2", "3/3 step 3"]);
  });
});

Deno.test("BridgeGuest enforces the frame cap on its side too", async () => {
  await using host = await startBridgeHost(echoCaller(), {
    allowedServers: ["alpha"],
    maxFrameBytes: 64 * 1024,
  });
  await using guest = await connectBridge(host.socketPath, { maxFrameBytes: 1024 });
  const error = await guest.callTool("alpha", "echo", { s: "x".repeat(2000) }).catch((e) => e);
  assert.equal(codeOf(error), "FRAME_TOO_LARGE");
  assert.match(error.message, /over the bridge's cap of 1024 bytes.*workspace/);
  const reply = await guest.callTool("alpha", "big", { size: 4000 }).catch((e) => e);
  assert.equal(codeOf(reply), "FRAME_TOO_LARGE", "a reply over the guest's cap");
  assert.deepEqual((await guest.callTool("alpha", "echo", { ok: 1 })).value, { ok: 1 });
});

Deno.test("BridgeGuest rejects pending calls when the socket closes", async () => {
  const host = await startBridgeHost(echoCaller(), { allowedServers: ["alpha"] });
  const guest = await connectBridge(host.socketPath);
  const pending = guest.callTool("alpha", "echo", { delayMs: 10_000 }).catch((e) => e);
  await new Promise((r) => setTimeout(r, 20));
  await host.close();
  const error = await pending;
  assert.ok(error instanceof BridgeError);
  assert.equal(error.code, "BRIDGE_ERROR");
  assert.match(error.message, /alpha\.echo failed: the bridge to the harness closed/);
  assert.equal(guest.closed, true);
  await assert.rejects(guest.callTool("alpha", "echo"), /Cannot call alpha\.echo/);
  await guest.close();
});

Deno.test("connectBridge() explains a missing socket", async () => {
  const error = await connectBridge("/nonexistent/mcpx/bridge.sock").catch((e) => e);
  assert.ok(error instanceof BridgeError);
  assert.match(error.message, /Cannot connect to the bridge at .*mcpx exec/);
});

Deno.test("installBridge() makes the guest the global tool caller", async (t) => {
  await t.step("without it, getToolCaller() says what to do", async () => {
    assert.throws(getToolCaller, /mcpx exec.*McpClientManager#install\(\)/);
    await assert.rejects(callTool("alpha", "echo"), BridgeError);
  });
  await using host = await startBridgeHost(echoCaller(), { allowedServers: ["alpha"] });
  const guest = await installBridge(host.socketPath);
  await t.step("the runtime finds it and calls through it", async () => {
    assert.equal(getToolCaller(), guest);
    assert.deepEqual((await callTool("alpha", "echo", { x: 1 })).value, { x: 1 });
  });
  await t.step("close() uninstalls it", async () => {
    await guest.close();
    assert.equal(TOOL_CALLER_KEY in globalThis, false);
  });
});

Deno.test("the guest module imports nothing but the bridge protocol, errors and types", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `${ROOT}/lib/bridge/guest.ts`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(output.success);
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string }[];
  };
  const files = info.modules.map((m) => m.specifier.replace(`file://${ROOT}/`, "")).sort();
  assert.deepEqual(files, [
    "lib/bridge/_frames.ts",
    "lib/bridge/_guest_replies.ts",
    "lib/bridge/_protocol.ts",
    "lib/bridge/guest.ts",
    "lib/client/resource_types.ts",
    "lib/client/types.ts",
    "lib/errors.ts",
  ]);
});
