/**
 * The checkpoint through `mcpx serve`: blocked tools are invisible to search_tools and refused
 * in execute_code; an `approve` rule asks the client through MCP elicitation when it supports
 * it (accept and decline), and fails with APPROVAL_REQUIRED naming the config fix when it does
 * not. Real SDK clients over streamable HTTP, real sandboxed runs, real server-everything.
 */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { startServe, tempProject, textOf } from "../fixtures/serve/_setup.ts";
import { resolveGovernance } from "../../lib/config/policy_schema.ts";
import { readAuditLog } from "../../lib/checkpoint/audit.ts";

/** A client that answers every elicitation with `answer` (none: no elicitation capability). */
async function connect(url: URL, answer?: "accept" | "decline" | "fail") {
  const client = new Client(
    { name: "governance-test", version: "1.0.0" },
    answer === undefined ? {} : { capabilities: { elicitation: { form: {} } } },
  );
  const questions: string[] = [];
  if (answer !== undefined) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      questions.push(String(request.params.message));
      if (answer === "fail") throw new Error("the user closed the dialog");
      return answer === "accept"
        ? { action: "accept", content: { approve: true } }
        : { action: "decline" };
    });
  }
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  return Object.assign(client, {
    questions,
    async [Symbol.asyncDispose]() {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  });
}

const CODE = [
  'import { getSum } from "./servers/everything/index.ts";',
  "try {",
  "  console.log(JSON.stringify(await getSum({ a: 40, b: 2 })));",
  "} catch (error) {",
  "  console.log(`caught ${(error as { code: string }).code}: ${(error as Error).message}`);",
  "}",
].join("\n");

Deno.test("mcpx serve enforces policies and asks for approval through elicitation", async (t) => {
  await using project = await tempProject({ generate: true, serve: { servers: ["everything"] } });
  const audit = await Deno.makeTempFile({ prefix: "mcpx_audit_", suffix: ".jsonl" });
  const governance = resolveGovernance({
    policies: { "everything.get-sum": "approve", "everything.get-env": "block" },
    audit: { path: audit },
  }, "mcp_config.json");
  await using serve = await startServe({ config: { ...project.config, governance } });

  try {
    await t.step("search_tools does not list a blocked tool", async () => {
      await using client = await connect(serve.url);
      const all = textOf(
        await client.callTool({
          name: "search_tools",
          arguments: { query: "", detail: "name", limit: 100 },
        }),
      );
      assert.match(all, /get-sum/);
      assert.doesNotMatch(all, /get-env/);
    });

    await t.step(
      "execute_code calling a blocked tool gets TOOL_BLOCKED naming the rule",
      async () => {
        await using client = await connect(serve.url);
        const code = [
          'import { getEnv } from "./servers/everything/index.ts";',
          "try { await getEnv({}); } catch (error) {",
          "  console.log(`caught ${(error as { code: string }).code}: ${(error as Error).message}`);",
          "}",
        ].join("\n");
        const text = textOf(await client.callTool({ name: "execute_code", arguments: { code } }));
        assert.match(
          text,
          /caught TOOL_BLOCKED: everything\.get-env is blocked by policy "everything\.get-env" in mcp_config\.json/,
        );
      },
    );

    await t.step(
      "a client without elicitation gets APPROVAL_REQUIRED with the config fix",
      async () => {
        await using client = await connect(serve.url);
        const text = textOf(
          await client.callTool({ name: "execute_code", arguments: { code: CODE } }),
        );
        assert.match(text, /caught APPROVAL_REQUIRED: everything\.get-sum needs approval/);
        assert.match(text, /does not support elicitation.*"policies"/s);
      },
    );

    await t.step("a client with elicitation that accepts: the call is made", async () => {
      await using client = await connect(serve.url, "accept");
      const text = textOf(
        await client.callTool({ name: "execute_code", arguments: { code: CODE } }),
      );
      assert.match(text, /--- stdout ---\n.*42/, text);
      assert.equal(client.questions.length, 1);
      assert.match(client.questions[0]!, /everything\.get-sum/);
      assert.match(client.questions[0]!, /"a":40,"b":2/);
    });

    await t.step(
      "a client that declines: the code catches APPROVAL_DENIED and goes on",
      async () => {
        await using client = await connect(serve.url, "decline");
        const result = await client.callTool({ name: "execute_code", arguments: { code: CODE } });
        const text = textOf(result);
        assert.match(text, /^exit 0/, text);
        assert.match(
          text,
          /caught APPROVAL_DENIED: Tool "everything\.get-sum" failed: the call was denied/,
        );
      },
    );

    await t.step("a client whose elicitation fails: APPROVAL_REQUIRED, not a crash", async () => {
      await using client = await connect(serve.url, "fail");
      const text = textOf(
        await client.callTool({ name: "execute_code", arguments: { code: CODE } }),
      );
      assert.match(text, /^exit 0/, text);
      assert.match(
        text,
        /caught APPROVAL_REQUIRED: everything\.get-sum needs approval and the MCP client did not answer/,
      );
    });

    await t.step(
      "run_skill asks the same way; the skill's call is made once accepted",
      async () => {
        await using client = await connect(serve.url, "accept");
        const result = await client.callTool({
          name: "run_skill",
          arguments: { name: "add", args: { a: 2, b: 3 } },
        });
        assert.match(textOf(result), /--- stdout ---\n.*5/, textOf(result));
        assert.equal(client.questions.length, 1);
      },
    );

    await t.step(
      "the audit log has each call with its decision and the session as caller",
      async () => {
        const records = await readAuditLog(audit);
        const calls = records.filter((r) => r.type === "call").map((r) =>
          r.type === "call" ? `${r.tool} ${r.decision} ${r.outcome}` : ""
        );
        assert.deepEqual(calls, [
          "get-env block TOOL_BLOCKED",
          "get-sum approve APPROVAL_REQUIRED",
          "get-sum approve ok",
          "get-sum denied APPROVAL_DENIED",
          "get-sum approve APPROVAL_REQUIRED",
          "get-sum approve ok",
        ]);
        const runs = records.filter((r) => r.type === "run");
        assert.deepEqual(runs.map((run) => run.type === "run" && run.kind), [
          ...Array(5).fill("execute_code"),
          "run_skill",
        ]);
        for (const run of runs) {
          assert.match(run.caller, /^serve:[0-9a-f-]+$/);
          assert.match(run.codeSha256 ?? "", /^[0-9a-f]{64}$/);
        }
      },
    );
  } finally {
    await Deno.remove(audit).catch(() => {});
  }
});
