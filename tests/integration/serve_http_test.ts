/**
 * `mcpx serve --http`: the real backend (server-everything, fixture skills) behind the SDK's
 * streamable HTTP transport, reached with the SDK client and raw fetch.
 */
import assert from "node:assert/strict";
import { encode } from "gpt-tokenizer";
import { connectHttp, fixtureConfig, startServe, textOf } from "../fixtures/serve/_setup.ts";

const TOOLS = [
  "execute_code",
  "get_skill",
  "list_servers",
  "list_skills",
  "run_skill",
  "search_tools",
];

function initializeBody(): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    },
  });
}

async function rawPost(url: URL, headers: Record<string, string>): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...headers,
    },
    body: initializeBody(),
  });
}

/** A POST written by hand over TCP: `fetch` will not send a custom Host header. */
async function rawTcpPost(url: URL, host: string): Promise<{ status: number; text: string }> {
  const body = initializeBody();
  const request = [
    `POST ${url.pathname} HTTP/1.1`,
    `Host: ${host}`,
    "Content-Type: application/json",
    "Accept: application/json, text/event-stream",
    `Content-Length: ${new TextEncoder().encode(body).length}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  await conn.write(new TextEncoder().encode(request));
  const text = await new Response(conn.readable).text();
  return { status: Number(text.split(" ")[1]), text };
}

Deno.test("mcpx serve over HTTP lists its six tools, small enough to be cheap", async () => {
  await using serve = await startServe();
  await using client = await connectHttp(serve.url);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
  for (const tool of tools) assert.ok((tool.description ?? "").length <= 200, tool.name);
  const payload = JSON.stringify({ tools });
  const bytes = new TextEncoder().encode(payload).length;
  const tokens = encode(payload).length;
  console.log(`mcpx serve tools/list: ${bytes} bytes, ${tokens} tokens (o200k_base)`);
  assert.ok(tokens < 1500, `tools/list costs ${tokens} tokens`);
});

Deno.test("mcpx serve tools answer over HTTP", async (t) => {
  await using serve = await startServe();
  await using client = await connectHttp(serve.url);
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    await client.callTool({ name, arguments: args });

  await t.step("list_servers names every configured server", async () => {
    assert.equal(textOf(await call("list_servers")), "everything (stdio)\noff (stdio, disabled)");
  });

  await t.step("search_tools ranks get-sum first for 'sum numbers'", async () => {
    const text = textOf(await call("search_tools", { query: "sum numbers", detail: "name" }));
    assert.equal(text.split("\n")[0], "everything.get-sum");
  });

  await t.step("search_tools detail summary adds the description's first sentence", async () => {
    const text = textOf(await call("search_tools", { query: "get-sum", limit: 1 }));
    assert.match(text, /^everything\.get-sum: .*sum/i);
    assert.equal(text.split("\n").length, 1);
  });

  await t.step("search_tools detail full gives the wrapper import and signature", async () => {
    const text = textOf(await call("search_tools", { query: "get-sum", detail: "full", limit: 1 }));
    assert.match(text, /import \{ getSum \} from "\.\/servers\/everything\/index\.ts";/);
    // The types are the generated wrapper's own (lib/codegen), with their field docs.
    assert.match(
      text,
      /\ninterface GetSumInput \{\n {2}\/\*\* First number \*\/\n {2}a: number;\n/,
    );
    assert.match(text, /\ntype GetSumOutput = unknown;\n/);
    assert.match(text, /\nfunction getSum\(input: GetSumInput\): Promise<GetSumOutput>;\n/);
  });

  await t.step("search_tools detail name is a few tokens per hit", async () => {
    const text = textOf(await call("search_tools", { query: "", detail: "name", limit: 100 }));
    const hits = text.split("\n");
    assert.ok(hits.length > 5);
    assert.ok(encode(text).length / hits.length < 8, text);
  });

  await t.step("list_skills gives name and purpose", async () => {
    assert.equal(
      textOf(await call("list_skills")),
      "add: Adds two numbers with the everything server's get-sum tool (a test fixture).",
    );
  });

  await t.step("get_skill returns the USAGE header; an unknown skill is an error", async () => {
    assert.match(
      textOf(await call("get_skill", { name: "add" })),
      /Example: run_skill \{"name":"add"/,
    );
    const missing = await call("get_skill", { name: "nope" });
    assert.equal(missing.isError, true);
    assert.equal(
      textOf(missing),
      'SKILL_INVALID: Unknown skill "nope". Call list_skills to see them.',
    );
  });

  await t.step("run_skill refuses tier trusted unless the config allows it", async () => {
    const result = await call("run_skill", { name: "add", args: { a: 1, b: 2 }, tier: "trusted" });
    assert.equal(result.isError, true);
    assert.equal(
      textOf(result),
      'INVALID_ARGUMENTS: Tier "trusted" is not allowed for mcpx serve clients; use "deno" or ' +
        '"podman" (the operator can allow it with "serve": {"allow_trusted": true} in mcp_config.json).',
    );
  });

  await t.step("execute_code refuses a timeout above the configured maximum", async () => {
    const result = await call("execute_code", {
      code: "console.log(1)",
      servers: [],
      timeoutSeconds: 121,
    });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /above the configured maximum of 120/);
  });
});

Deno.test("a config whose default tier is trusted is refused unless allow_trusted", async () => {
  await using serve = await startServe({ config: await fixtureConfig({ tier: "trusted" }) });
  await using client = await connectHttp(serve.url);
  const result = await client.callTool({
    name: "execute_code",
    arguments: { code: "console.log(1)", servers: [] },
  });
  assert.equal(result.isError, true);
  assert.match(textOf(result), /^INVALID_ARGUMENTS: Tier "trusted" is not allowed/);
});

Deno.test("an --allowed-host name is accepted as Host and Origin", async () => {
  await using serve = await startServe({ allowedHosts: ["mcpx.internal:8443"] });
  const response = await rawPost(serve.url, { Origin: "https://mcpx.internal:8443" });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  const host = await rawTcpPost(serve.url, "mcpx.internal:8443");
  assert.equal(host.status, 200, host.text);
});

Deno.test("mcpx serve refuses foreign Host and Origin headers with 403", async (t) => {
  await using serve = await startServe();
  const port = serve.url.port;

  await t.step("a foreign Origin", async () => {
    const response = await rawPost(serve.url, { Origin: "http://evil.example" });
    assert.equal(response.status, 403);
    assert.match((await response.json()).error.message, /Origin "http:\/\/evil\.example"/);
  });

  await t.step("a foreign Host (DNS rebinding)", async () => {
    const response = await rawTcpPost(serve.url, `evil.example:${port}`);
    assert.equal(response.status, 403);
    assert.match(response.text, /Host \\"evil\.example:\d+\\" is not allowed/);
  });

  await t.step("the same origin on another port", async () => {
    const response = await rawPost(serve.url, { Origin: "http://127.0.0.1:1" });
    assert.equal(response.status, 403);
    await response.body?.cancel();
  });

  await t.step("localhost variants are accepted", async () => {
    const host = await rawTcpPost(serve.url, `localhost:${port}`);
    assert.equal(host.status, 200, host.text);
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      const response = await rawPost(serve.url, { Origin: origin });
      assert.equal(response.status, 200, origin);
      const session = response.headers.get("mcp-session-id");
      assert.ok(session);
      await response.body?.cancel();
      const closed = await fetch(serve.url, {
        method: "DELETE",
        headers: { "mcp-session-id": session },
      });
      await closed.body?.cancel();
    }
  });
});

Deno.test("mcpx serve with a token refuses requests without it (401)", async (t) => {
  await using serve = await startServe({ token: "s3cret" });

  await t.step("no Authorization header", async () => {
    const response = await rawPost(serve.url, {});
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("www-authenticate"), "Bearer");
    await response.body?.cancel();
  });

  await t.step("a wrong token", async () => {
    const response = await rawPost(serve.url, { Authorization: "Bearer s3cres" });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });

  await t.step("the SDK client without the token cannot connect", async () => {
    await assert.rejects(connectHttp(serve.url));
  });

  await t.step("the SDK client with the token works", async () => {
    await using client = await connectHttp(serve.url, { Authorization: "Bearer s3cret" });
    const result = await client.callTool({ name: "list_servers", arguments: {} });
    assert.match(textOf(result), /everything/);
  });

  await t.step("a foreign Origin is refused even with the token", async () => {
    const response = await rawPost(serve.url, {
      Authorization: "Bearer s3cret",
      Origin: "http://evil.example",
    });
    assert.equal(response.status, 403);
    await response.body?.cancel();
  });
});
