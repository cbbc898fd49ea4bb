/**
 * The 4 MiB request body cap of `mcpx serve --http` holds however the body is framed: a real
 * `mcpx serve --http` on loopback gets raw HTTP/1.1 requests whose bodies are sent with
 * `Transfer-Encoding: chunked` (no length announced), over and under the cap, and keeps
 * answering afterwards.
 */
import assert from "node:assert/strict";
import { startHttpServe } from "../fixtures/serve/_process.ts";

const CAP = 4 * 1024 * 1024;

/** Sends `body` as a chunked POST over a raw TCP connection; returns status line and body. */
async function postChunked(
  url: URL,
  body: Uint8Array,
  options: { chunkSize?: number; headers?: string } = {},
) {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const encoder = new TextEncoder();
  const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
    (options.headers ?? "") + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  const response = (async () => {
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  })();
  // A writer writes every byte (Conn.write may write part of a buffer).
  const writer = conn.writable.getWriter();
  try {
    await writer.write(encoder.encode(head));
    for (let offset = 0; offset < body.length; offset += chunkSize) {
      const part = body.subarray(offset, offset + chunkSize);
      await writer.write(encoder.encode(`${part.length.toString(16)}\r\n`));
      await writer.write(part);
      await writer.write(encoder.encode("\r\n"));
    }
    await writer.write(encoder.encode("0\r\n\r\n"));
  } catch {
    // The server may answer 413 and close before the whole body is sent: that is the point.
  }
  const text = await response;
  await writer.close().catch(() => undefined);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, text };
}

/** An initialize request padded with a JSON string to about `size` bytes. */
function initializeOfSize(size: number): Uint8Array {
  const message = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "body-cap-test", version: "1.0.0" },
      _padding: "",
    },
  };
  const base = JSON.stringify(message).length;
  message.params._padding = "x".repeat(Math.max(0, size - base));
  return new TextEncoder().encode(JSON.stringify(message));
}

Deno.test("mcpx serve --http refuses a chunked body over 4 MiB with 413 and keeps answering", async () => {
  await using serve = await startHttpServe();
  const url = new URL(serve.url);

  const over = await postChunked(url, initializeOfSize(CAP + 512 * 1024));
  assert.equal(over.status, 413, over.text.slice(0, 500));
  const error = JSON.parse(over.text.slice(over.text.indexOf("\r\n\r\n") + 4).trim());
  assert.equal(error.jsonrpc, "2.0");
  assert.match(error.error.message, /Request body larger than 4194304 bytes \(4 MiB\)/);

  // One byte past the cap is refused too: the count is exact, not rounded to chunks.
  const justOver = await postChunked(url, initializeOfSize(CAP + 1), { chunkSize: 1000 });
  assert.equal(justOver.status, 413);

  const under = await postChunked(url, initializeOfSize(CAP - 1024));
  assert.equal(under.status, 200, under.text.slice(0, 500));
  assert.match(under.text, /mcp-session-id: /i);
  assert.match(under.text, /"serverInfo"/);

  // And an ordinary request still gets an answer afterwards.
  const after = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: new TextDecoder().decode(initializeOfSize(300)),
  });
  assert.equal(after.status, 200);
  assert.match(await after.text(), /"serverInfo"/);
});

Deno.test("mcpx serve --http refuses an over-cap chunked body inside a session too", async () => {
  await using serve = await startHttpServe();
  const url = new URL(serve.url);
  const init = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: new TextDecoder().decode(initializeOfSize(300)),
  });
  await init.body?.cancel();
  const session = init.headers.get("mcp-session-id");
  assert.ok(session);
  const payload = new TextEncoder().encode(
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/x", params: { p: "y".repeat(CAP) } }),
  );
  const { text } = await postChunked(url, payload, {
    headers: `Mcp-Session-Id: ${session}\r\nMcp-Protocol-Version: 2025-06-18\r\n`,
  });
  assert.match(text, /^HTTP\/1\.1 413/);
  assert.match(text, /Request body larger than 4194304 bytes/);
});
