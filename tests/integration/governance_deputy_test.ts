/**
 * Confused deputy: a granted server fetches URLs for the code that asked, including loopback
 * ones the sandbox itself may not reach. server-everything's gzip-file-as-resource does so; a
 * `block-private-urls` rule refuses such a call before the server sees it.
 */
import assert from "node:assert/strict";
import { project } from "../fixtures/governance/_project.ts";
import { findPrivateUrl } from "../../lib/checkpoint/deputy.ts";

Deno.test("findPrivateUrl finds local URLs at any depth, in any argument", async () => {
  const local = [
    [{ data: "http://127.0.0.1:8080/admin" }, "data", "IPv4 loopback"],
    [
      { request: { urls: ["https://example.com", "http://[::1]/"] } },
      "request.urls[1]",
      "IPv6 loopback",
    ],
    [
      { u: "http://169.254.169.254/latest/meta-data" },
      "u",
      "link-local, incl. cloud metadata 169.254.169.254",
    ],
    [{ u: "http://0x7f.1/" }, "u", "IPv4 loopback"], // WHATWG URL turns 0x7f.1 into 127.0.0.1
    [{ u: "http://api.localhost:3000/" }, "u", "loopback name"],
    [{ u: "ws://[fd00::5]/" }, "u", "IPv6 unique-local (fc00::/7)"],
    [{ u: "http://10.1.2.3/" }, "u", "RFC 1918 private"],
  ] as const;
  for (const [args, path, range] of local) {
    const hit = await findPrivateUrl(args);
    assert.equal(hit?.path, path, JSON.stringify(args));
    assert.equal(hit?.range, range);
  }
  for (
    const args of [{ u: "https://8.8.8.8/" }, { u: "data:text/plain,hi" }, { text: "127.0.0.1" }]
  ) {
    assert.equal(await findPrivateUrl(args), undefined, JSON.stringify(args));
  }
});

Deno.test("a block-private-urls rule stops a server from fetching a loopback URL for a run", async (t) => {
  const hits: string[] = [];
  await using secret = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    hits.push(new URL(req.url).pathname);
    return new Response("internal secret");
  });
  const url = `http://127.0.0.1:${(secret.addr as Deno.NetAddr).port}/secret`;
  const args = [
    "call",
    "everything",
    "gzip-file-as-resource",
    `data=${url}`,
    "outputType=resource",
  ];

  await t.step("without the rule the server fetches it (the deputy risk)", async () => {
    await using p = await project({});
    const run = await p.mcpx(args);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(hits, ["/secret"]);
  });

  await t.step("with the rule the call is refused and nothing is fetched", async () => {
    hits.length = 0;
    await using p = await project({
      policies: { "everything.*": "block-private-urls", "everything.echo": "allow" },
    });
    const run = await p.mcpx(args);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `error: everything.gzip-file-as-resource is blocked by policy "everything.*" in ` +
        `mcp_config.json because its argument data points to 127.0.0.1 (IPv4 loopback); the ` +
        "operator can change the rule there.\n",
    );
    assert.deepEqual(hits, []);
    const ok = await p.mcpx([
      "call",
      "everything",
      "gzip-file-as-resource",
      "data=data:text/plain;base64,aGk=",
      "outputType=resource",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
  });
});
