/**
 * `mcpx serve` answers an agent can act on: errors in terms of the tools' own JSON arguments,
 * no host paths, no CLI advice, no colour codes, did-you-mean for skills and servers, tool
 * annotations, and the operator's `serve` section (hosts, tier, default servers) applied to runs.
 * A real SDK client over HTTP against the real backend, in a temporary copy of the fixture.
 */
import assert from "node:assert/strict";
import { connectHttp, startServe, tempProject, textOf } from "../fixtures/serve/_setup.ts";

/** Every answer of a session, to check that none leaks a host path or CLI advice. */
function recorder(client: Awaited<ReturnType<typeof connectHttp>>) {
  const answers: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args });
    answers.push(textOf(result));
    return { isError: result.isError, text: textOf(result) };
  };
  return { call, answers };
}

function assertAgentTerms(answers: readonly string[], root: string): void {
  for (const text of answers) {
    assert.ok(!text.includes(root), `host path in: ${text}`);
    const home = Deno.env.get("HOME");
    if (home !== undefined) assert.ok(!text.includes(`${home}/`), `home path in: ${text}`);
    assert.doesNotMatch(text, /mcpx exec|--allow-|--help/, text);
    assert.ok(!text.includes("\u001b["), `escape code in: ${text}`);
  }
}

Deno.test("serve answers name JSON keys, skills and servers, never flags or host paths", async (t) => {
  await using project = await tempProject();
  await using serve = await startServe({ config: project.config });
  await using client = await connectHttp(serve.url);
  const { call, answers } = recorder(client);

  await t.step("a wrong key is named as the JSON key, with a did-you-mean", async () => {
    const result = await call("run_skill", { name: "add", args: { a: 1, b: 2, fial: true } });
    assert.equal(result.isError, true);
    assert.equal(
      result.text,
      'INVALID_ARGUMENTS: "fial" is not an argument of skill add; did you mean "fail"? ' +
        "Call get_skill to see its arguments.",
    );
  });

  await t.step("every problem is one sentence naming its key", async () => {
    const result = await call("run_skill", { name: "add", args: { b: "42", zzzzzz: 1 } });
    assert.equal(
      result.text,
      'INVALID_ARGUMENTS: "zzzzzz" is not an argument of skill add; its arguments are "a", ' +
        '"b", "fail". "a" is required (First number). "b" must be a number, got "42". ' +
        "Call get_skill to see its arguments.",
    );
  });

  await t.step("get_skill gives the USAGE, a run_skill example and the JSON Schema", async () => {
    const result = await call("get_skill", { name: "add" });
    assert.equal(result.isError, undefined, result.text);
    assert.equal(
      result.text,
      [
        "add",
        "Adds two numbers with the everything server's get-sum tool (a test fixture).",
        "",
        'Example: run_skill {"name":"add","args":{"a":2,"b":3}}',
        "",
        'run_skill args (JSON Schema): {"type":"object","properties":{"a":{"type":"number",' +
        '"description":"First number"},"b":{"type":"number","description":"Second number"},' +
        '"fail":{"default":false,"description":"Exit with status 3 after printing",' +
        '"type":"boolean"}},"required":["a","b"]}',
      ].join("\n"),
    );
  });

  await t.step("an unknown skill gets a did-you-mean", async () => {
    const result = await call("run_skill", { name: "ad", args: {} });
    assert.equal(
      result.text,
      'SKILL_INVALID: Unknown skill "ad"; did you mean "add"? Call list_skills to see them.',
    );
  });

  await t.step("an unknown server gets a did-you-mean", async () => {
    const result = await call("execute_code", { code: "", servers: ["everythng"] });
    assert.equal(
      result.text,
      'UNKNOWN_SERVER: Unknown server "everythng"; did you mean "everything"? ' +
        "The servers argument may name: everything (see list_servers).",
    );
  });

  await t.step("colour codes in run output are removed", async () => {
    const result = await call("execute_code", {
      code: String.raw`console.error("\x1b[31mred\x1b[0m \x1b[1;4mbold\x1b[22;24m");`,
    });
    assert.match(result.text, /^exit 0 in \d+ ms\n--- stderr ---\nred bold\n$/);
  });

  await t.step("a missing module is named relative to the project", async () => {
    const result = await call("execute_code", { code: 'import "./lib/missing.ts";' });
    assert.equal(result.isError, true);
    assert.match(result.text, /^SKILL_INVALID: .*<code>.*Module not found "lib\/missing\.ts"/);
  });

  await t.step("a refused read says what serve runs may use, not which flag to pass", async () => {
    const result = await call("execute_code", {
      code: 'await Deno.readTextFile("/etc/passwd");',
    });
    assert.match(
      result.text,
      /Requires read access to "\/etc\/passwd", runs started through serve may only use the workspace \(workspace\/\)/,
    );
  });

  await t.step("no answer holds a host path, CLI advice or an escape code", () => {
    assertAgentTerms(answers, project.config.root);
  });
});

Deno.test("a server's coloured stderr reaches search_tools without escape codes", async () => {
  const noisy = {
    command: Deno.execPath(),
    args: ["eval", String.raw`console.error("[31mfatal:[0m no [1mtoken[22m"); Deno.exit(3)`],
  };
  await using project = await tempProject({ servers: { noisy } });
  await using serve = await startServe({ config: project.config });
  await using client = await connectHttp(serve.url);
  const result = await client.callTool({
    name: "search_tools",
    arguments: { query: "echo", detail: "name", limit: 1 },
  });
  const text = textOf(result);
  assert.match(text, /^everything\.echo\n\(server noisy unavailable: .*fatal: no token/m);
  assert.ok(!text.includes("\u001b"), text);
});

Deno.test("every serve tool is annotated; only the run tools may change things", async () => {
  await using serve = await startServe();
  await using client = await connectHttp(serve.url);
  const { tools } = await client.listTools();
  const annotations = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
  const reads = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };
  const runs = {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  };
  assert.deepEqual(annotations, {
    list_servers: reads,
    search_tools: reads,
    list_skills: reads,
    get_skill: reads,
    run_skill: runs,
    execute_code: runs,
  });
});

Deno.test("serve.allow_net grants hosts to serve runs; without it the refusal names the setting", async (t) => {
  await using site = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello from loopback"),
  );
  const host = `127.0.0.1:${site.addr.port}`;
  const code = `console.log(await (await fetch("http://${host}/")).text());`;

  await t.step("refused without serve.allow_net, in the operator's terms", async () => {
    await using project = await tempProject();
    await using serve = await startServe({ config: project.config });
    await using client = await connectHttp(serve.url);
    const { call, answers } = recorder(client);
    const result = await call("execute_code", { code });
    assert.equal(result.isError, true);
    assert.match(
      result.text,
      new RegExp(
        `Requires net access to "${host}", the operator can grant hosts to serve runs with ` +
          String.raw`"serve": \{"allow_net": \[\.\.\.\]\} in mcp_config\.json`,
      ),
    );
    assertAgentTerms(answers, project.config.root);
  });

  await t.step("reachable with the host in serve.allow_net", async () => {
    await using project = await tempProject({ serve: { allow_net: [host] } });
    await using serve = await startServe({ config: project.config });
    await using client = await connectHttp(serve.url);
    const result = await client.callTool({ name: "execute_code", arguments: { code } });
    assert.equal(result.isError, undefined, textOf(result));
    assert.match(textOf(result), /--- stdout ---\nhello from loopback\n/);
  });
});

Deno.test("serve.tier and serve.allow_trusted decide the tier of serve runs", async (t) => {
  const code = 'console.log((await Deno.readTextFile("/etc/hostname")).length > 0);';

  await t.step("serve.tier trusted without allow_trusted is refused", async () => {
    await using project = await tempProject({ serve: { tier: "trusted" } });
    await using serve = await startServe({ config: project.config });
    await using client = await connectHttp(serve.url);
    const result = await client.callTool({ name: "execute_code", arguments: { code } });
    assert.match(textOf(result), /^INVALID_ARGUMENTS: Tier "trusted" is not allowed/);
  });

  await t.step("serve.tier trusted with serve.allow_trusted runs unsandboxed", async () => {
    await using project = await tempProject({ serve: { tier: "trusted", allow_trusted: true } });
    await using serve = await startServe({ config: project.config });
    await using client = await connectHttp(serve.url);
    const result = await client.callTool({ name: "execute_code", arguments: { code } });
    assert.equal(result.isError, undefined, textOf(result));
    assert.match(textOf(result), /--- stdout ---\ntrue/);
  });
});
