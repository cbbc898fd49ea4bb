import assert from "node:assert/strict";
import { startBridgeHost } from "../../lib/bridge/host.ts";
import { echoCaller } from "../fixtures/bridge/echo_caller.ts";
import { RawClient, request } from "../fixtures/bridge/raw_client.ts";

type Reply = Record<string, unknown>;
const errorOf = (reply: Reply | null | undefined) =>
  reply?.error as { code: number; message: string; data: Record<string, unknown> };

Deno.test("startBridgeHost() opens a private socket and removes it on close()", async () => {
  const host = await startBridgeHost(echoCaller(), { allowedServers: ["alpha"] });
  assert.equal((await Deno.stat(host.dir)).mode! & 0o777, 0o700);
  assert.ok((await Deno.stat(host.socketPath)).isSocket);
  assert.equal((await Deno.stat(host.socketPath)).mode! & 0o077, 0);
  const client = await RawClient.connect(host.socketPath);
  await host.close();
  assert.equal(await client.reply(), null, "open connections are ended");
  client.close();
  await assert.rejects(Deno.stat(host.dir), Deno.errors.NotFound);
  await host.close(); // idempotent
});

Deno.test("the host answers well-formed requests", async (t) => {
  const caller = echoCaller();
  await using host = await startBridgeHost(caller, { allowedServers: ["alpha"] });
  await using client = await RawClient.connect(host.socketPath);

  await t.step("callTool returns the whole ToolResult", async () => {
    await client.send(
      request(1, "callTool", { server: "alpha", tool: "echo", arguments: { n: 1 } }),
    );
    assert.deepEqual(await client.reply(), {
      jsonrpc: "2.0",
      id: 1,
      result: {
        value: { n: 1 },
        structuredContent: { echoed: { n: 1 } },
        content: [{ type: "text", text: '{"n":1}' }],
        meta: { server: "alpha" },
      },
    });
  });

  await t.step("listServers returns only allowed servers", async () => {
    await client.send(request("s", "listServers"));
    const reply = await client.reply();
    assert.deepEqual(
      (reply?.result as { servers: { name: string }[] }).servers.map((s) => s.name),
      ["alpha"],
    );
  });

  await t.step("listTools returns the server's tools", async () => {
    await client.send(request(2, "listTools", { server: "alpha" }));
    const reply = await client.reply();
    assert.deepEqual((reply?.result as { tools: { name: string }[] }).tools.map((s) => s.name), [
      "echo",
      "fail",
    ]);
  });

  await t.step("replies come out of order: a fast call overtakes a slow one", async () => {
    await client.send(
      request(10, "callTool", { server: "alpha", tool: "echo", arguments: { delayMs: 150 } }) +
        request(11, "callTool", { server: "alpha", tool: "echo", arguments: {} }),
    );
    const [first, second] = await client.replies(2);
    assert.equal(first?.id, 11);
    assert.equal(second?.id, 10);
  });

  await t.step("every call is recorded", () => {
    const methods = host.calls.map((c) => `${c.method}:${c.server ?? ""}:${c.ok}`);
    assert.deepEqual(methods.slice(0, 3), [
      "callTool:alpha:true",
      "listServers::true",
      "listTools:alpha:true",
    ]);
    assert.equal(host.calls.length, 5);
  });
});

Deno.test("the host refuses, with a stable code and advice", async (t) => {
  const records: string[] = [];
  await using host = await startBridgeHost(echoCaller(), {
    allowedServers: ["alpha"],
    onCall: (r) => records.push(`${r.server}.${r.tool}:${r.code ?? "ok"}`),
  });
  await using client = await RawClient.connect(host.socketPath);
  const call = async (id: number, params: unknown) => {
    await client.send(request(id, "callTool", params));
    const reply = await client.reply();
    assert.equal(reply?.id, id);
    return errorOf(reply);
  };

  await t.step("a server outside the allowlist: SERVER_NOT_ALLOWED", async () => {
    const error = await call(1, { server: "beta", tool: "echo" });
    assert.equal(error.code, -32000);
    assert.equal(error.data.code, "SERVER_NOT_ALLOWED");
    assert.match(error.message, /"beta" is not allowed .*allowed: alpha.*--servers beta/);
    assert.equal(records.at(-1), "beta.echo:SERVER_NOT_ALLOWED");
  });

  await t.step("listTools on a server outside the allowlist: SERVER_NOT_ALLOWED", async () => {
    await client.send(request(2, "listTools", { server: "beta" }));
    assert.equal(errorOf(await client.reply()).data.code, "SERVER_NOT_ALLOWED");
  });

  await t.step("a ToolError keeps the server's text and content", async () => {
    const error = await call(3, { server: "alpha", tool: "fail" });
    assert.equal(error.data.code, "TOOL_ERROR");
    assert.equal(error.message, 'Tool "alpha.fail" failed: it broke on purpose');
    assert.equal(error.data.text, "it broke on purpose");
    assert.deepEqual(error.data.content, [{ type: "text", text: "it broke on purpose" }]);
  });

  await t.step("a caller's McpxError keeps its code", async () => {
    const error = await call(4, { server: "alpha", tool: "nope" });
    assert.equal(error.data.code, "UNKNOWN_TOOL");
    assert.match(error.message, /Unknown tool "nope"/);
  });

  await t.step("anything else thrown becomes INTERNAL, not a crash", async () => {
    const error = await call(5, { server: "alpha", tool: "crash" });
    assert.equal(error.code, -32603);
    assert.equal(error.data.code, "INTERNAL");
    assert.match(error.message, /unexpected crash/);
  });

  await t.step("bad params: INVALID_ARGUMENTS naming the field", async () => {
    for (
      const [params, field] of [
        [{ tool: "echo" }, /params\.server/],
        [{ server: "alpha" }, /params\.tool/],
        [{ server: "alpha", tool: "echo", arguments: [1] }, /arguments must be a JSON object/],
        [{ server: "alpha", tool: "echo", timeoutMs: -1 }, /timeoutMs/],
        [{ server: "s".repeat(100_000), tool: "echo" }, /params\.server.*1 to 256 characters/],
        [{ server: "alpha", tool: "t".repeat(300) }, /params\.tool/],
        ["alpha", /JSON object/],
      ] as const
    ) {
      const error = await call(6, params);
      assert.equal(error.code, -32602);
      assert.equal(error.data.code, "INVALID_ARGUMENTS");
      assert.match(error.message, field);
      assert.ok(error.message.length < 400, "the message does not echo huge input");
    }
  });
});

Deno.test("malformed frames get an error reply and never crash the host", async (t) => {
  await using host = await startBridgeHost(echoCaller(), {
    allowedServers: "*",
    maxFrameBytes: 1024,
  });
  await using client = await RawClient.connect(host.socketPath);
  const expect = async (frame: string | Uint8Array, rpc: number, code: string, id: unknown) => {
    await client.send(frame);
    const reply = await client.reply();
    assert.equal(reply?.id, id);
    assert.equal(errorOf(reply).code, rpc);
    assert.equal(errorOf(reply).data.code, code);
    return errorOf(reply).message;
  };

  await t.step("not JSON", async () => {
    const message = await expect("not json\n", -32700, "MALFORMED_FRAME", null);
    assert.match(message, /one JSON-RPC 2\.0 request per line/);
  });
  await t.step("not UTF-8", async () => {
    await expect(new Uint8Array([0xc3, 0x28, 0x0a]), -32700, "MALFORMED_FRAME", null);
  });
  await t.step("a batch", async () => {
    assert.match(await expect("[]\n", -32600, "MALFORMED_FRAME", null), /batches/);
  });
  await t.step("a JSON value that is not an object", async () => {
    await expect("42\n", -32600, "MALFORMED_FRAME", null);
  });
  await t.step("no jsonrpc version", async () => {
    await expect('{"id":3,"method":"listServers"}\n', -32600, "MALFORMED_FRAME", 3);
  });
  await t.step("no method", async () => {
    await expect('{"jsonrpc":"2.0","id":1}\n', -32600, "MALFORMED_FRAME", 1);
  });
  await t.step("an id that is neither integer nor string", async () => {
    await expect(
      '{"jsonrpc":"2.0","id":1.5,"method":"listServers"}\n',
      -32600,
      "MALFORMED_FRAME",
      null,
    );
  });
  await t.step("a string id over 256 characters", async () => {
    await expect(request("i".repeat(300), "listServers"), -32600, "MALFORMED_FRAME", null);
  });
  await t.step("an unknown method: -32601", async () => {
    const message = await expect(request(9, "deleteEverything"), -32601, "BRIDGE_ERROR", 9);
    assert.match(message, /callTool, listTools, listServers/);
  });
  await t.step(
    "an oversize frame: FRAME_TOO_LARGE with its id, connection still usable",
    async () => {
      const big = request(77, "callTool", {
        server: "alpha",
        tool: "echo",
        arguments: { s: "x".repeat(5000) },
      });
      const message = await expect(big, -32600, "FRAME_TOO_LARGE", 77);
      assert.match(message, /cap of 1024 bytes/);
    },
  );
  await t.step("an oversize frame with no newline at all is answered at once", async () => {
    await client.send("y".repeat(200_000));
    const reply = await client.reply();
    assert.equal(errorOf(reply).data.code, "FRAME_TOO_LARGE");
    await client.send("\n"); // ends the discarded frame
  });
  await t.step("notifications get no reply; the next request is answered", async () => {
    await client.send('{"jsonrpc":"2.0","method":"whatever"}\n');
    await client.send('{"jsonrpc":"2.0","method":"cancel","params":{"id":12345}}\n');
    await client.send(request(100, "listServers"));
    assert.equal((await client.reply())?.id, 100);
  });
  await t.step("a result over the cap becomes FRAME_TOO_LARGE", async () => {
    await client.send(
      request(101, "callTool", { server: "alpha", tool: "big", arguments: { size: 4096 } }),
    );
    const reply = await client.reply();
    assert.equal(errorOf(reply).data.code, "FRAME_TOO_LARGE");
    assert.match(errorOf(reply).message, /result of alpha\.big is \d+ bytes/);
    assert.equal(host.calls.at(-1)?.code, "FRAME_TOO_LARGE");
  });
});

Deno.test("the host bounds concurrency and survives floods", async (t) => {
  const caller = echoCaller();
  await using host = await startBridgeHost(caller, { allowedServers: ["alpha"], maxInFlight: 128 });

  await t.step("100 slow calls run at once", async () => {
    await using client = await RawClient.connect(host.socketPath);
    let frames = "";
    for (let i = 0; i < 100; i++) {
      frames += request(i, "callTool", {
        server: "alpha",
        tool: "echo",
        arguments: { delayMs: 200, i },
      });
    }
    await client.send(frames);
    const replies = await client.replies(100);
    assert.equal(caller.peak, 100);
    assert.deepEqual(replies.map((r) => r.id).sort((a, b) => Number(a) - Number(b)), [
      ...Array(100).keys(),
    ]);
  });

  await t.step(
    "10,000 requests sent at once are all answered, at most maxInFlight at a time",
    async () => {
      await using client = await RawClient.connect(host.socketPath);
      let frames = "";
      for (let i = 0; i < 10_000; i++) {
        const server = i % 2 === 0 ? "alpha" : "beta";
        frames += request(i, "callTool", { server, tool: "echo", arguments: { delayMs: 1, i } });
      }
      const sending = client.send(frames);
      const replies = await client.replies(10_000);
      await sending;
      const ids = new Set(replies.map((r) => r.id));
      assert.equal(ids.size, 10_000);
      assert.equal(replies.filter((r) => "result" in r).length, 5_000);
      assert.equal(
        replies.filter((r) => errorOf(r)?.data.code === "SERVER_NOT_ALLOWED").length,
        5_000,
      );
      assert.ok(caller.peak <= 128, `peak ${caller.peak} over maxInFlight`);
    },
  );

  await t.step("a duplicate id in flight is refused", async () => {
    await using client = await RawClient.connect(host.socketPath);
    const slow = request(1, "callTool", {
      server: "alpha",
      tool: "echo",
      arguments: { delayMs: 100 },
    });
    await client.send(slow + slow);
    const [first, second] = await client.replies(2);
    assert.equal(errorOf(first).data.code, "MALFORMED_FRAME");
    assert.match(errorOf(first).message, /reuses id 1/);
    assert.ok(second !== undefined && "result" in second);
  });
});

Deno.test("calls are cancelled, time out, and stop when the guest leaves", async (t) => {
  const caller = echoCaller();
  await using host = await startBridgeHost(caller, {
    allowedServers: ["alpha"],
    callTimeoutMs: 300,
  });
  await using client = await RawClient.connect(host.socketPath);

  await t.step("a cancel notification aborts the call: CANCELLED", async () => {
    await client.send(
      request(1, "callTool", { server: "alpha", tool: "echo", arguments: { delayMs: 10_000 } }),
    );
    while (caller.active === 0) await new Promise((r) => setTimeout(r, 5));
    await client.send('{"jsonrpc":"2.0","method":"cancel","params":{"id":1}}\n');
    assert.equal(errorOf(await client.reply()).data.code, "CANCELLED");
    assert.equal(caller.aborted, 1);
  });

  await t.step("the host's callTimeoutMs: TIMEOUT, and the call is aborted", async () => {
    await client.send(
      request(2, "callTool", { server: "alpha", tool: "echo", arguments: { delayMs: 10_000 } }),
    );
    const error = errorOf(await client.reply());
    assert.equal(error.data.code, "TIMEOUT");
    assert.match(error.message, /within 300 ms/);
    assert.equal(caller.aborted, 2);
  });

  await t.step("a guest's shorter timeoutMs wins", async () => {
    await client.send(
      request(3, "callTool", {
        server: "alpha",
        tool: "echo",
        timeoutMs: 50,
        arguments: { delayMs: 10_000 },
      }),
    );
    assert.match(errorOf(await client.reply()).message, /within 50 ms/);
  });

  await t.step("progress notifications reach a guest that asked for them", async () => {
    await client.send(
      request(4, "callTool", { server: "alpha", tool: "progress", progress: true }),
    );
    const frames = await client.replies(4);
    assert.deepEqual(frames.slice(0, 3).map((f) => (f.params as { progress: number }).progress), [
      1,
      2,
      3,
    ]);
    assert.equal(frames[0]?.method, "progress");
    assert.equal(frames[3]?.id, 4);
  });

  await t.step("a guest that hangs up cancels its calls", async () => {
    const leaving = await RawClient.connect(host.socketPath);
    await leaving.send(
      request(1, "callTool", { server: "alpha", tool: "echo", arguments: { delayMs: 10_000 } }),
    );
    while (caller.active === 0) await new Promise((r) => setTimeout(r, 5));
    leaving.close();
    while (caller.active > 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(caller.aborted, 4);
  });
});

Deno.test("startBridgeHost() rejects bad options and overlong socket paths", async () => {
  await assert.rejects(
    startBridgeHost(echoCaller(), { allowedServers: [], maxInFlight: 0 }),
    RangeError,
  );
  const deep = await Deno.makeTempDir();
  const long = `${deep}/${"d".repeat(90)}`;
  await Deno.mkdir(long);
  try {
    await assert.rejects(
      startBridgeHost(echoCaller(), { allowedServers: [], tempDir: long }),
      /longer than the 107 bytes.*TMPDIR/,
    );
    assert.deepEqual([...Deno.readDirSync(long)], [], "the temp dir is removed again");
  } finally {
    await Deno.remove(deep, { recursive: true });
  }
});

Deno.test("a guest that floods and never reads holds the host back, and close() still ends it", async () => {
  const caller = echoCaller();
  const host = await startBridgeHost(caller, { allowedServers: ["alpha"], maxInFlight: 16 });
  const client = await RawClient.connect(host.socketPath);
  const payload = "p".repeat(4096);
  let frames = "";
  for (let i = 0; i < 2_000; i++) {
    frames += request(i, "callTool", { server: "alpha", tool: "echo", arguments: { payload } });
  }
  // ~8 MB of requests whose ~16 MB of replies are never read: the host stops reading once its
  // slots hold unwritten replies, so the guest's own write stalls too.
  const sending = client.send(frames).catch(() => "send stopped");
  while (caller.received.length < 16) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(caller.received.length < 2_000, `served ${caller.received.length} without reading`);
  await host.close();
  assert.equal(await sending, "send stopped");
  client.close();
  await assert.rejects(Deno.stat(host.dir), Deno.errors.NotFound);
});

Deno.test("connections beyond maxConnections are closed at once", async () => {
  await using host = await startBridgeHost(echoCaller(), {
    allowedServers: ["alpha"],
    maxConnections: 1,
  });
  await using first = await RawClient.connect(host.socketPath);
  await first.send(request(1, "listServers"));
  assert.equal((await first.reply())?.id, 1);
  await using second = await RawClient.connect(host.socketPath);
  await second.send(request(1, "listServers")).catch(() => {});
  assert.equal(await second.reply().catch(() => null), null);
});
