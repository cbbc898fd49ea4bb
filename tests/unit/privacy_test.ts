import assert from "node:assert/strict";
import { DETECTORS, findPii, ibanValid, luhn } from "../../lib/privacy/detectors.ts";
import { PrivacyFilter } from "../../lib/privacy/filter.ts";
import { ProjectVault, Vault } from "../../lib/privacy/vault.ts";
import { RunBoundary } from "../../lib/privacy/boundary.ts";
import { PRIVACY_OFF, resolvePrivacy } from "../../lib/config/privacy_schema.ts";
import { parseConfig } from "../../lib/config/parse.ts";
import type { PrivacyConfig } from "../../lib/config/types.ts";
import type { ToolCaller } from "../../lib/client/types.ts";
import { measure, qualityTable, readLabelled } from "../fixtures/privacy/_quality.ts";
import { appendRun, MAX_LINES, readRuns, runsFile, sumRuns } from "../../lib/tokens/runs.ts";
import { countTokens, countTokensFast, EXACT_LIMIT } from "../../lib/tokens/count.ts";
import { join } from "node:path";

const ON: PrivacyConfig = { ...PRIVACY_OFF, enabled: true };

Deno.test("checksums: Luhn for cards, mod-97 for IBANs", () => {
  assert.ok(luhn("4111111111111111"));
  assert.ok(!luhn("4111111111111112"));
  assert.ok(ibanValid("DE89 3704 0044 0532 0130 00"));
  assert.ok(!ibanValid("DE88 3704 0044 0532 0130 00"));
});

Deno.test("the detectors' error rates on the labelled sample stay within the documented bounds", async () => {
  const items = await readLabelled();
  assert.ok(items.length >= 200, `only ${items.length} labelled lines`);
  const rows = measure(items);
  for (const row of rows) {
    assert.ok(row.positives >= 2, `${row.detector} has ${row.positives} positives in the sample`);
    assert.ok(row.fnRate <= 0.15, `${row.detector}: FN ${row.fnRate}\n${row.mistakes.join("\n")}`);
    assert.ok(row.fpRate <= 0.02, `${row.detector}: FP ${row.fpRate}\n${row.mistakes.join("\n")}`);
  }
  // The table in docs/privacy.md is this one; regenerate it when the detectors change.
  const docs = await Deno.readTextFile(new URL("../../docs/privacy.md", import.meta.url));
  // Compared without the column padding that deno fmt adds.
  const squeeze = (text: string) => text.replace(/[ \t]+/g, "").replace(/-{3,}/g, "---");
  assert.ok(
    squeeze(docs).includes(squeeze(qualityTable(rows, items.length))),
    "docs/privacy.md has a stale table: run deno run -A tests/fixtures/privacy/_quality.ts",
  );
});

Deno.test("a placeholder is stable in a vault and tagged with it", () => {
  const vault = new Vault({ tag: "abcd" });
  const filter = new PrivacyFilter(vault, ON);
  assert.equal(
    filter.mask("ann@example.com, bo@example.org, ann@example.com"),
    "[EMAIL_1_abcd], [EMAIL_2_abcd], [EMAIL_1_abcd]",
  );
  assert.equal(vault.restoreText("to [EMAIL_2_abcd]").value, "to bo@example.org");
});

Deno.test("another vault's placeholder does not resolve, even with the same label and number", () => {
  const a = new Vault();
  const b = new Vault();
  const pa = a.placeholderFor("EMAIL", "ann@example.com");
  const pb = b.placeholderFor("EMAIL", "bo@example.org");
  assert.notEqual(pa, pb);
  const restored = b.restore({ to: pa, cc: [pb] });
  assert.deepEqual(restored.value, { to: pa, cc: ["bo@example.org"] });
  assert.deepEqual(restored.unknown, [pa]);
});

Deno.test("an expired entry stops resolving", () => {
  const vault = new Vault({ ttlMs: -1 });
  const placeholder = vault.placeholderFor("EMAIL", "ann@example.com");
  assert.equal(vault.resolve(placeholder), undefined);
});

Deno.test("a project vault is per project root and survives a reopen", async () => {
  const state = await Deno.makeTempDir();
  const env = { XDG_STATE_HOME: state };
  try {
    const one = await ProjectVault.open("/p/one", env);
    const placeholder = one.placeholderFor("PHONE", "+44 20 7946 0958");
    await one.save();
    assert.equal((await ProjectVault.open("/p/one", env)).resolve(placeholder), "+44 20 7946 0958");
    assert.equal((await ProjectVault.open("/p/two", env)).resolve(placeholder), undefined);
    assert.equal((await Deno.stat(one.file)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(state, { recursive: true });
  }
});

Deno.test("an unreadable vault location is one line naming the directory", async () => {
  const file = await Deno.makeTempFile();
  try {
    await assert.rejects(
      ProjectVault.open("/p", { XDG_STATE_HOME: file }),
      /^McpxError: Cannot read the privacy vault .*Check that .*\/mcpx\/privacy is a directory you can read, or set XDG_STATE_HOME\.$/,
    );
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("two commands of one project saving one after the other keep both their entries", async () => {
  const state = await Deno.makeTempDir();
  const env = { XDG_STATE_HOME: state };
  try {
    const a = await ProjectVault.open("/p", env);
    const b = await ProjectVault.open("/p", env);
    const email = a.placeholderFor("EMAIL", "ann@example.com");
    const phone = b.placeholderFor("PHONE", "+44 20 7946 0958");
    await a.save();
    await b.save();
    const reopened = await ProjectVault.open("/p", env);
    assert.equal(reopened.resolve(email), "ann@example.com");
    assert.equal(reopened.resolve(phone), "+44 20 7946 0958");
  } finally {
    await Deno.remove(state, { recursive: true });
  }
});

Deno.test("the stream masker never splits a value or a placeholder across chunks", () => {
  const filter = new PrivacyFilter(new Vault({ tag: "abcd" }), ON);
  const stream = filter.stream();
  const text =
    "mail ann@example.com now\ncall +44 20 7946 0958\nkey:\n-----BEGIN PRIVATE KEY-----\n" +
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\ndone";
  let out = "";
  for (const char of text) out += stream.push(char); // one character per chunk
  out += stream.flush();
  assert.equal(
    out,
    "mail [EMAIL_1_abcd] now\ncall [PHONE_1_abcd]\nkey:\n[PRIVATE_KEY_1_abcd]\ndone",
  );
});

Deno.test("custom patterns come first; disabled detectors stay quiet", () => {
  const { privacy } = resolvePrivacy({
    enabled: true,
    detectors: { phone: false, secrets: false },
    patterns: { EMPLOYEE_ID: "EMP-\\d{6}" },
  }, "c.json");
  const filter = new PrivacyFilter(new Vault({ tag: "abcd" }), privacy);
  assert.equal(
    filter.mask("EMP-123456 +44 20 7946 0958 AKIAIOSFODNN7EXAMPLE x@example.com"),
    "[EMPLOYEE_ID_1_abcd] +44 20 7946 0958 AKIAIOSFODNN7EXAMPLE [EMAIL_1_abcd]",
  );
});

Deno.test("values from a server or tool switched off pass unmasked", async () => {
  const { privacy } = resolvePrivacy({
    enabled: true,
    servers: { crm: false },
    tools: { crm__secret_contacts: true },
  }, "c.json");
  const boundary = new RunBoundary({ privacy, vault: new Vault({ tag: "abcd" }) });
  const answers: Record<string, string> = {
    directory: "desk@example.com",
    secret_contacts: "ceo@example.com",
  };
  const inner: ToolCaller = {
    callTool: (_s, tool) =>
      Promise.resolve({ value: null, content: [{ type: "text", text: answers[tool]! }] }),
    listTools: () => Promise.resolve([]),
    listServers: () => Promise.resolve([]),
  };
  const caller = boundary.caller(inner);
  await caller.callTool("crm", "directory", {});
  await caller.callTool("crm", "secret_contacts", {});
  assert.equal(
    boundary.mask("desk@example.com ceo@example.com other@example.com"),
    "desk@example.com [EMAIL_1_abcd] [EMAIL_2_abcd]",
  );
  assert.equal(boundary.calls, 2);
});

Deno.test("the tool-call entry restores placeholders in nested arguments and warns once per unknown one", async () => {
  const vault = new Vault({ tag: "abcd" });
  const email = vault.placeholderFor("EMAIL", "ann@example.com");
  const warnings: string[] = [];
  const boundary = new RunBoundary({ privacy: ON, vault, onWarning: (l) => warnings.push(l) });
  let seen: unknown;
  const inner: ToolCaller = {
    callTool: (_s, _t, args) => {
      seen = args;
      return Promise.resolve({ value: null, content: [] });
    },
    listTools: () => Promise.resolve([]),
    listServers: () => Promise.resolve([]),
  };
  const caller = boundary.caller(inner);
  await caller.callTool("s", "t", { to: [`${email}`], body: `hi ${email} [EMAIL_9_zzzz]` });
  await caller.callTool("s", "t", { again: "[EMAIL_9_zzzz]" });
  assert.deepEqual(seen, { again: "[EMAIL_9_zzzz]" });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^warning: \[EMAIL_9_zzzz\] is not a placeholder of this session/);
});

Deno.test("the privacy section: off by default, true turns it on, mistakes are one line", async () => {
  const parse = async (privacy: unknown) =>
    await parseConfig(JSON.stringify({ mcpServers: {}, privacy }), { path: "/p/c.json", env: {} });
  assert.equal((await parseConfig("{}", { path: "/p/c.json", env: {} })).privacy?.enabled, false);
  assert.equal((await parse(true)).privacy?.enabled, true);
  assert.equal((await parse({ enabled: true })).privacy?.detectors.length, DETECTORS.length);
  assert.deepEqual((await parse({ patterns: { X: "x+" } })).warnings, [
    'c.json: privacy: privacy is off until "enabled": true is added',
  ]);
  await assert.rejects(
    () => parse({ enabled: true, patterns: { X: "(" } }),
    /privacy\.patterns\.X: not a valid regular expression/,
  );
  await assert.rejects(
    () => parse({ enabled: true, detectors: ["emial"] }),
    /unknown detector "emial"/,
  );
  await assert.rejects(
    () => parse({ enabled: true, patterns: { X: "a*" } }),
    /matches the empty string/,
  );
});

Deno.test("a placeholder already in the output is left whole, even by a broad custom pattern", () => {
  const { privacy } = resolvePrivacy({ enabled: true, patterns: { NUM: "\\d+" } }, "c.json");
  const vault = new Vault({ tag: "abcd" });
  const filter = new PrivacyFilter(vault, privacy);
  const first = filter.mask("id 42");
  assert.equal(first, "id [NUM_1_abcd]");
  assert.equal(filter.mask(`${first} and 7`), "id [NUM_1_abcd] and [NUM_2_abcd]");
});

Deno.test("findPii keeps dates, versions and UUIDs out", () => {
  const text = "on 2024-05-01 v1.2.3 id 550e8400-e29b-41d4-a716-446655440000 at 12:30:45";
  assert.deepEqual(findPii(text, DETECTORS), []);
});

Deno.test("the runs file keeps the last runs and sums them; a cut line is skipped", async () => {
  const state = await Deno.makeTempDir();
  const env = { XDG_STATE_HOME: state };
  const record = (i: number) => ({
    at: new Date(0).toISOString(),
    kind: "exec",
    skill: `s${i}.ts`,
    project: "/p".padEnd(200, "x"),
    toolCalls: 1,
    tokens: { toolResults: 10, output: 2, saved: 8, tokenizer: "t" },
  });
  try {
    await Deno.mkdir(join(state, "mcpx"), { recursive: true });
    const lines = Array.from({ length: 2 * MAX_LINES + 5 }, (_, i) => JSON.stringify(record(i)));
    await Deno.writeTextFile(runsFile(env), `${lines.join("\n")}\n{"cut`);
    assert.equal(await appendRun(env, record(-1)), undefined);
    const kept = (await Deno.readTextFile(runsFile(env))).trim().split("\n");
    assert.equal(kept.length, MAX_LINES);
    assert.equal(JSON.parse(kept.at(-1)!).skill, "s-1.ts");
    const sum = sumRuns(await readRuns(env, 3));
    assert.deepEqual(sum, { runs: 3, toolCalls: 3, toolResults: 30, output: 6, saved: 24 });
  } finally {
    await Deno.remove(state, { recursive: true });
  }
});

Deno.test("token counts above the exact limit are sampled, close to the exact count", () => {
  const text = Array.from({ length: 6000 }, (_, i) => `{"id":${i},"mail":"p${i}@example.com"}`)
    .join("\n");
  assert.ok(text.length > EXACT_LIMIT);
  const fast = countTokensFast(text);
  const exact = countTokens(text);
  assert.ok(fast.sampled);
  assert.ok(Math.abs(fast.tokens - exact) / exact < 0.02, `${fast.tokens} vs ${exact}`);
});
