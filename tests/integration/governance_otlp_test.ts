/**
 * Traces: `mcpx exec` with `OTEL_EXPORTER_OTLP_ENDPOINT` exports a run span and one child span
 * per tool call (OTLP/HTTP JSON) to a loopback receiver before the process exits; without the
 * variable nothing is sent.
 */
import assert from "node:assert/strict";
import { CLI, ROOT, SERVERS } from "../helpers/paths.ts";
import { startOtlpReceiver } from "../fixtures/otlp/receiver.ts";

const FIXTURE = `${ROOT}/tests/fixtures/governance/approve_and_block.ts`;

async function project() {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_otlp_" }));
  await Deno.writeTextFile(
    `${root}/mcp_config.json`,
    JSON.stringify({
      mcpServers: {
        everything: {
          command: Deno.execPath(),
          args: ["run", "-A", "--quiet", SERVERS.everything],
        },
        memory: { command: Deno.execPath(), args: ["run", "-A", "--quiet", SERVERS.memory] },
      },
      policies: { "*.delete_*": "block", "everything.get-sum": "allow" },
      sandbox: { tier: "deno", timeout: 60, max_timeout: 60 },
    }),
  );
  return { root, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

async function exec(root: string, env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, "exec", "--servers", "everything,memory", FIXTURE],
    cwd: root,
    env: { NO_COLOR: "1", XDG_STATE_HOME: `${root}/state`, ...env },
    stdin: "null",
  }).output();
  return { code: output.code, stdout: new TextDecoder().decode(output.stdout) };
}

Deno.test("mcpx exec exports run and tool-call spans to an OTLP receiver", async (t) => {
  await using p = await project();
  await using receiver = startOtlpReceiver();

  await t.step("no endpoint: no span is sent", async () => {
    const run = await exec(p.root, {});
    assert.equal(run.code, 0, run.stdout);
    assert.equal(receiver.spans.length, 0);
  });

  await t.step("with OTEL_EXPORTER_OTLP_ENDPOINT: flushed before exit, parented", async () => {
    const run = await exec(p.root, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(receiver.problems, []);
    const runs = receiver.spans.filter((span) => span.name === "mcpx.run");
    const calls = receiver.spans.filter((span) => span.name === "mcpx.tool_call");
    assert.equal(runs.length, 1);
    const root = runs[0]!;
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.resource["service.name"], "mcpx");
    assert.equal(root.attributes["mcpx.kind"], "exec");
    assert.equal(root.attributes["mcpx.outcome"], "ok");
    assert.equal(root.attributes["mcpx.calls"], 2);
    assert.match(String(root.attributes["mcpx.skill"]), /approve_and_block\.ts$/);
    assert.deepEqual(
      calls.map((span) => [
        span.attributes["mcpx.server"],
        span.attributes["mcpx.tool"],
        span.attributes["mcpx.decision"],
        span.attributes["mcpx.outcome"],
      ]).sort(),
      [
        ["everything", "get-sum", "allow", "ok"],
        ["memory", "delete_entities", "block", "TOOL_BLOCKED"],
      ],
    );
    for (const call of calls) {
      assert.equal(call.traceId, root.traceId);
      assert.equal(call.parentSpanId, root.spanId);
    }
    // A blocked call's span carries an error status (2 = ERROR).
    assert.equal(calls.find((s) => s.attributes["mcpx.outcome"] !== "ok")?.status, 2);
  });
});
