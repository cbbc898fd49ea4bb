import assert from "node:assert/strict";
import { connectBridge } from "../../lib/bridge/guest.ts";
import { startBridgeHost } from "../../lib/bridge/host.ts";
import { McpClientManager } from "../../lib/client/manager.ts";
import { BridgeError } from "../../lib/errors.ts";
import { RawClient, request } from "../fixtures/bridge/raw_client.ts";
import { SERVERS } from "../helpers/paths.ts";
import { denoServer, testConfig } from "../helpers/servers.ts";

type Reply = Record<string, unknown> | null | undefined;
const codeOf = (reply: Reply) =>
  (reply?.error as { data: { code: string } } | undefined)?.data.code;

const ARCHITECTURE = "demo://resource/static/document/architecture.md";

Deno.test("bridge listResources/readResource reach server-everything's real resources", async (t) => {
  const manager = new McpClientManager({
    config: testConfig(denoServer("everything", SERVERS.everything)),
  });
  await using host = await startBridgeHost(manager, { allowedServers: ["everything"] });
  await using guest = await connectBridge(host.socketPath);
  try {
    await t.step("listResources lists its static documents", async () => {
      const resources = await guest.listResources("everything");
      const uris = resources.map((r) => r.uri);
      assert.ok(uris.includes(ARCHITECTURE), uris.join(", "));
      const doc = resources.find((r) => r.uri === ARCHITECTURE)!;
      assert.equal(doc.mimeType, "text/markdown");
      assert.equal(doc.name, "architecture.md");
    });

    await t.step("readResource returns the document's text", async () => {
      const result = await guest.readResource("everything", ARCHITECTURE);
      assert.equal(result.contents.length, 1);
      assert.match(result.contents[0]!.text ?? "", /^# Everything Server – Architecture/);
    });

    await t.step("readResource of a binary template resource returns base64", async () => {
      const result = await guest.readResource("everything", "demo://resource/dynamic/blob/7");
      const blob = result.contents[0]!.blob!;
      assert.match(atob(blob), /7/);
    });

    await t.step("an unknown URI fails with the server's words and what to run", async () => {
      await assert.rejects(guest.readResource("everything", "demo://nope"), (error) => {
        assert.ok(error instanceof BridgeError);
        assert.equal(error.code, "REQUEST_FAILED");
        assert.match(error.message, /Resource demo:\/\/nope not found.*mcpx resources everything/);
        return true;
      });
    });

    await t.step("each request is recorded with its uri", () => {
      const read = host.calls.filter((c) => c.method === "readResource");
      assert.deepEqual(read.map((c) => [c.uri, c.ok]), [
        [ARCHITECTURE, true],
        ["demo://resource/dynamic/blob/7", true],
        ["demo://nope", false],
      ]);
    });
  } finally {
    await manager.cleanup();
  }
});

Deno.test("a run cannot list or read resources of a server it did not declare", async (t) => {
  // "secret" is configured and reachable, but not on this run's allowlist.
  const manager = new McpClientManager({
    config: testConfig(
      denoServer("everything", SERVERS.everything),
      denoServer("secret", SERVERS.everything),
    ),
  });
  await using host = await startBridgeHost(manager, { allowedServers: ["everything"] });
  await using client = await RawClient.connect(host.socketPath);
  await using guest = await connectBridge(host.socketPath);
  try {
    await t.step("readResource on an undeclared server: SERVER_NOT_ALLOWED", async () => {
      await assert.rejects(guest.readResource("secret", ARCHITECTURE), (error) => {
        assert.ok(error instanceof BridgeError);
        assert.equal(error.code, "SERVER_NOT_ALLOWED");
        assert.match(error.message, /Server "secret" is not allowed for this run/);
        return true;
      });
    });

    await t.step("listResources on an undeclared server: SERVER_NOT_ALLOWED", async () => {
      await assert.rejects(guest.listResources("secret"), { code: "SERVER_NOT_ALLOWED" });
    });

    await t.step("look-alike names are not the declared server", async () => {
      let id = 100;
      for (const server of ["Everything", "everything ", " everything", "everything\u0000", "*"]) {
        await client.send(request(++id, "readResource", { server, uri: ARCHITECTURE }));
        assert.equal(codeOf(await client.reply()), "SERVER_NOT_ALLOWED", JSON.stringify(server));
      }
    });

    await t.step("malformed params are refused before any server is touched", async () => {
      const cases: [unknown, string][] = [
        [{ server: ["secret"], uri: ARCHITECTURE }, "INVALID_ARGUMENTS"],
        [{ server: { name: "everything" }, uri: ARCHITECTURE }, "INVALID_ARGUMENTS"],
        [{ server: "everything" }, "INVALID_ARGUMENTS"],
        [{ server: "everything", uri: 42 }, "INVALID_ARGUMENTS"],
        [{ server: "everything", uri: "x".repeat(10_000) }, "INVALID_ARGUMENTS"],
        [["everything", ARCHITECTURE], "INVALID_ARGUMENTS"],
      ];
      let id = 200;
      for (const [params, code] of cases) {
        await client.send(request(++id, "readResource", params));
        assert.equal(codeOf(await client.reply()), code, JSON.stringify(params).slice(0, 60));
      }
    });

    await t.step("the undeclared server was never started", () => {
      assert.equal(manager.stats("secret").connects, 0);
      assert.equal(manager.stats("everything").connects, 0);
    });
  } finally {
    await manager.cleanup();
  }
});
