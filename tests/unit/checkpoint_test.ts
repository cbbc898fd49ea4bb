import assert from "node:assert/strict";
import { ToolPolicy } from "../../lib/checkpoint/policy.ts";
import { CheckpointCaller } from "../../lib/checkpoint/caller.ts";
import {
  auditArguments,
  AuditLog,
  auditPath,
  readAuditLog,
  sha256,
} from "../../lib/checkpoint/audit.ts";
import { terminalApprover } from "../../lib/checkpoint/approval.ts";
import { resolveGovernance } from "../../lib/config/policy_schema.ts";
import { parseConfig } from "../../lib/config/parse.ts";
import type { ToolCaller } from "../../lib/client/types.ts";
import { type ConfigError, type McpxError, ToolError } from "../../lib/errors.ts";

const policyOf = (raw: unknown) => new ToolPolicy(resolveGovernance(raw, "mcp_config.json"));

Deno.test("ToolPolicy: the most specific rule wins, ties go to the stricter decision", async (t) => {
  const policy = policyOf({
    policies: {
      "*": "approve",
      "*.delete_*": "block",
      "fs.delete_tmp": "allow",
      "fs.write_*": "approve",
      "*.write_log": "allow",
      "fs.read_*": "allow",
      "fs.*_file": "block",
    },
  });
  await t.step("an exact name beats every glob", () => {
    assert.deepEqual(policy.decide("fs", "delete_tmp"), {
      decision: "allow",
      rule: 'policy "fs.delete_tmp"',
    });
  });
  await t.step("more literal characters win", () => {
    assert.equal(policy.decide("fs", "delete_file").decision, "block");
    assert.equal(policy.decide("fs", "write_log").decision, "allow"); // "*.write_log" (10) > "fs.write_*" (9)
    assert.equal(policy.decide("git", "status").rule, 'policy "*"');
  });
  await t.step("on a tie the stricter decision wins", () => {
    // "fs.read_*" and "fs.*_file" both have 8 literal characters.
    assert.deepEqual(policy.decide("fs", "read_file"), {
      decision: "block",
      rule: 'policy "fs.*_file"',
    });
  });
  await t.step("no rule: allowed; glob characters other than * are literal", () => {
    const p = policyOf({ policies: { "a.b?c": "block", "x.[y]": "block" } });
    assert.deepEqual(p.decide("a", "bxc"), { decision: "allow" });
    assert.equal(p.decide("a", "b?c").decision, "block");
    assert.equal(p.decide("x", "[y]").decision, "block");
  });
});

Deno.test("ToolPolicy: allowedTools and disabledTools of a server entry", () => {
  const policy = policyOf({
    mcpServers: {
      memory: {
        command: "x",
        disabledTools: ["delete_entities"],
        policies: { "create_*": "approve" },
      },
      fs: { command: "x", allowedTools: ["read_*", "list_directory"] },
    },
  });
  assert.deepEqual(policy.decide("memory", "delete_entities"), {
    decision: "block",
    rule: "mcpServers.memory.disabledTools",
  });
  assert.deepEqual(policy.decide("memory", "create_entities"), {
    decision: "approve",
    rule: 'policy "create_*" of mcpServers.memory',
  });
  assert.equal(policy.decide("fs", "read_file").decision, "allow");
  assert.deepEqual(policy.decide("fs", "write_file"), {
    decision: "block",
    rule: "mcpServers.fs.allowedTools (not listed)",
  });
  assert.equal(policy.visible("fs", "write_file"), false);
  assert.equal(policy.decide("other", "write_file").decision, "allow");
});

Deno.test("the config's governance keys are validated with one line naming the path", async (t) => {
  const parse = async (json: unknown) =>
    await parseConfig(JSON.stringify(json), { path: "/p/mcp_config.json", env: {} });
  await t.step("an unknown decision", async () => {
    await assert.rejects(
      () => parse({ policies: { "*.delete_*": "deny" } }),
      (error: ConfigError) => {
        assert.equal(
          error.message,
          'mcp_config.json: policies["*.delete_*"]: unknown decision "deny" (use "allow", "approve", "block" or "block-private-urls")',
        );
        return true;
      },
    );
  });
  await t.step("disabledTools must be a list", async () => {
    await assert.rejects(
      () => parse({ mcpServers: { m: { command: "x", disabledTools: "delete" } } }),
      /^ConfigError: mcp_config\.json: mcpServers\.m\.disabledTools: expected a list of tool names/,
    );
  });
  await t.step("audit.arguments", async () => {
    await assert.rejects(
      () => parse({ audit: { arguments: "none" } }),
      /audit\.arguments: unknown mode "none" \(use "digest", "redacted" or "full"\)/,
    );
  });
  await t.step("the keys are known: no unknown-key warnings", async () => {
    const config = await parse({
      mcpServers: { m: { command: "x", disabledTools: ["a"], allowedTools: ["b"] } },
      policies: {},
      audit: { arguments: "redacted" },
      telemetry: { enabled: false },
    });
    assert.deepEqual(config.warnings, []);
    assert.equal(config.governance?.audit.arguments, "redacted");
    const relative = await parse({ audit: { path: "logs/audit.jsonl" } });
    assert.equal(relative.governance?.audit.path, "/p/logs/audit.jsonl");
  });
});

const inner: ToolCaller & { made: string[] } = {
  made: [],
  callTool(server, tool, args) {
    this.made.push(`${server}.${tool}`);
    return Promise.resolve({ value: args, content: [] });
  },
  listTools: () =>
    Promise.resolve([
      { name: "read", inputSchema: {} },
      { name: "delete_all", inputSchema: {} },
    ]),
  listServers: () => Promise.resolve([]),
};

Deno.test("CheckpointCaller: block, approve (yes, no, nobody), pre-approve, listing", async (t) => {
  const policy = policyOf({ policies: { "*.delete_*": "block", "fs.write": "approve" } });
  const identity = { run: "r1", caller: "cli" };
  await t.step("a blocked call never reaches the server", async () => {
    inner.made.length = 0;
    const caller = new CheckpointCaller(inner, { policy, identity });
    await assert.rejects(caller.callTool("fs", "delete_all"), (error: McpxError) => {
      assert.equal(error.code, "TOOL_BLOCKED");
      assert.equal(
        error.message,
        'fs.delete_all is blocked by policy "*.delete_*" in mcp_config.json; the operator can change the rule there.',
      );
      return true;
    });
    assert.deepEqual(inner.made, []);
    assert.deepEqual((await caller.listTools("fs")).map((tool) => tool.name), ["read"]);
  });
  await t.step(
    "the approver is asked once per call; no is APPROVAL_DENIED, a ToolError",
    async () => {
      const asked: string[] = [];
      let answer: boolean | undefined = true;
      const caller = new CheckpointCaller(inner, {
        policy,
        identity,
        approver: (request) => {
          asked.push(`${request.server}.${request.tool} ${JSON.stringify(request.args)}`);
          return Promise.resolve(answer);
        },
      });
      assert.deepEqual((await caller.callTool("fs", "write", { p: 1 })).value, { p: 1 });
      answer = false;
      await assert.rejects(caller.callTool("fs", "write", { p: 2 }), (error: ToolError) => {
        assert.ok(error instanceof ToolError);
        assert.equal(error.code, "APPROVAL_DENIED");
        return true;
      });
      answer = undefined;
      await assert.rejects(caller.callTool("fs", "write", {}), /APPROVAL_REQUIRED|needs approval/);
      assert.deepEqual(asked, ['fs.write {"p":1}', 'fs.write {"p":2}', "fs.write {}"]);
      assert.equal(caller.calls, 3);
    },
  );
  await t.step("--approve globs skip the question", async () => {
    const caller = new CheckpointCaller(inner, {
      policy,
      identity,
      preApproved: ["fs.*"],
      approver: () => Promise.reject(new Error("must not ask")),
    });
    assert.deepEqual((await caller.callTool("fs", "write", { ok: true })).value, { ok: true });
  });
});

Deno.test("terminalApprover: y approves, anything else refuses, no terminal asks nobody", async () => {
  const typed = ["y", "no", undefined];
  const written: string[] = [];
  const approver = terminalApprover(() => ({
    write: (text) => Promise.resolve(void written.push(text)),
    readLine: () => Promise.resolve(typed.shift()),
    close: () => {},
  }));
  const request = {
    server: "fs",
    tool: "write",
    args: { path: "x".repeat(500) },
    rule: 'policy "fs.*"',
    file: "c.json",
  };
  assert.equal(await approver(request), true);
  assert.equal(await approver(request), false);
  assert.equal(await approver(request), false);
  assert.match(written[0]!, /Approve the tool call fs\.write \(policy "fs\.\*" in c\.json\)\?/);
  assert.match(written[0]!, /x… \(\d+ characters\)/);
  assert.equal(await terminalApprover(() => undefined)(request), undefined);
  // Code in the run picks the tool name and arguments: it must not redraw the question.
  typed.push("n");
  await approver({
    ...request,
    tool: "write\u001b[2K\rApprove the tool call fs.read",
    args: { note: "\u202eevil" },
  });
  const shown = written.at(-1)!;
  // deno-lint-ignore no-control-regex -- the raw characters must not be there
  assert.doesNotMatch(shown, /[\u001b\r\u202e]/);
  assert.match(shown, /fs\.write\\u001b\[2K\\u000dApprove/);
  assert.match(shown, /\\u202eevil/);
});

Deno.test("audit: arguments as digest, redacted or full; nothing secret by default", async () => {
  const args = { token: "s3cret", n: 2, list: [1, 2], nested: { a: "b" } };
  const digest = await auditArguments(args, "digest") as string;
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(
    await sha256("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.doesNotMatch(JSON.stringify(await auditArguments(args, "redacted")), /s3cret/);
  assert.deepEqual(await auditArguments(args, "redacted"), {
    token: "<string 6>",
    n: "<number>",
    list: "<array 2>",
    nested: { a: "<string 1>" },
  });
  assert.deepEqual(await auditArguments(args, "full"), args);
  assert.equal(auditPath(undefined, { XDG_STATE_HOME: "/s", HOME: "/h" }), "/s/mcpx/audit.jsonl");
  assert.equal(auditPath(undefined, { HOME: "/h" }), "/h/.local/state/mcpx/audit.jsonl");
  assert.equal(
    auditPath(undefined, { XDG_STATE_HOME: "rel", HOME: "/h" }),
    "/h/.local/state/mcpx/audit.jsonl",
  );
});

Deno.test("audit: concurrent writers never tear a line; rotation keeps N files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_audit_" });
  try {
    const path = `${dir}/state/mcpx/audit.jsonl`;
    const record = (run: string, i: number) => ({
      type: "run" as const,
      time: new Date().toISOString(),
      run,
      caller: "cli",
      kind: "exec",
      outcome: "ok",
      calls: i,
      durationMs: 1,
      skill: "x".repeat(3000),
    });
    // Four writers (as four runs or processes would be), 50 lines each, all at once.
    const logs = ["a", "b", "c", "d"].map((run) =>
      [run, new AuditLog(path, { maxBytes: 1 << 30, keep: 3 })] as const
    );
    for (let i = 0; i < 50; i++) for (const [run, log] of logs) log.append(record(run, i));
    await Promise.all(logs.map(([, log]) => log.flush()));
    const text = await Deno.readTextFile(path);
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, 200);
    for (const line of lines) JSON.parse(line);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/state/mcpx`)).mode! & 0o777, 0o700);

    const small = new AuditLog(path, { maxBytes: 10_000, keep: 2 });
    for (let i = 0; i < 20; i++) small.append(record("r", i));
    await small.flush();
    assert.ok((await Deno.stat(path)).size <= 10_000);
    await Deno.stat(`${path}.1`);
    await Deno.stat(`${path}.2`);
    await assert.rejects(Deno.stat(`${path}.3`), Deno.errors.NotFound);
    const kept = await readAuditLog(path, 2);
    assert.ok(kept.length > 0 && kept.length < 220);
    const last = kept.at(-1);
    assert.equal(last?.type === "run" ? last.calls : undefined, 19);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("audit: writers in separate processes never tear or lose a line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_audit_procs_" });
  try {
    const path = `${dir}/audit.jsonl`;
    const writer = new URL("../fixtures/governance/audit_writer.ts", import.meta.url).pathname;
    const tags = ["p", "q", "r"];
    const outputs = await Promise.all(tags.map((tag) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-write", writer, path, tag, "150"],
        stdout: "null",
      }).output()
    ));
    for (const output of outputs) {
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    }
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.equal(lines.length, 450);
    const perTag = new Map<string, number[]>();
    for (const line of lines) {
      const record = JSON.parse(line) as { run: string; calls: number; skill: string };
      assert.equal(record.skill, record.run.repeat(4000));
      perTag.set(record.run, [...perTag.get(record.run) ?? [], record.calls]);
    }
    for (const tag of tags) {
      assert.deepEqual(perTag.get(tag), Array.from({ length: 150 }, (_, i) => i));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
