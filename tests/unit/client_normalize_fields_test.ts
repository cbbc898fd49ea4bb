import assert from "node:assert/strict";
import { normalizeFields, normalizeToolResult } from "../../lib/client/normalize.ts";

Deno.test("normalizeFields() with none returns the value untouched", () => {
  const value = { created_at: 1, "system.parent": [{ A_B: 2 }] };
  assert.equal(normalizeFields(value, "none"), value);
});

Deno.test("normalizeFields() with camelCase rewrites keys at every depth", async (t) => {
  await t.step("snake, kebab and Pascal keys become camelCase", () => {
    const out = normalizeFields(
      { created_at: 1, "updated-at": 2, OwnerName: 3, ID: 4, alreadyCamel: 5 },
      "camelCase",
    );
    assert.deepEqual(out, { createdAt: 1, updatedAt: 2, ownerName: 3, id: 4, alreadyCamel: 5 });
  });
  await t.step("nested objects and arrays of objects are rewritten", () => {
    const out = normalizeFields(
      { work_items: [{ item_id: 1, sub_tasks: [{ task_name: "x" }] }, 7, null] },
      "camelCase",
    );
    assert.deepEqual(out, { workItems: [{ itemId: 1, subTasks: [{ taskName: "x" }] }, 7, null] });
  });
  await t.step("dotted keys are rewritten per segment", () => {
    assert.deepEqual(normalizeFields({ "System.Parent": 1 }, "camelCase"), { "system.parent": 1 });
  });
});

Deno.test("normalizeFields() with pascal-prefix capitalizes namespaced keys", async (t) => {
  await t.step("Azure DevOps style fields", () => {
    const out = normalizeFields(
      {
        id: 12,
        fields: { "system.parent": 7, "system.title": "Bug", "microsoft.VSTS.common.priority": 2 },
      },
      "pascal-prefix",
    );
    assert.deepEqual(out, {
      id: 12,
      fields: { "System.Parent": 7, "System.Title": "Bug", "Microsoft.VSTS.Common.Priority": 2 },
    });
  });
  await t.step("a key already in normalized form wins over its variant, in any order", () => {
    assert.deepEqual(
      normalizeFields({ "system.id": 2, "System.Id": 1 }, "pascal-prefix"),
      { "System.Id": 1 },
    );
  });
});

Deno.test("normalizeFields() with a map renames exactly, then case-insensitively", () => {
  const strategy = { map: { "system.parent": "parent", Title: "title" } };
  const out = normalizeFields(
    [{ "System.Parent": 1, TITLE: "t", other: { "system.parent": 2 } }],
    strategy,
  );
  assert.deepEqual(out, [{ parent: 1, title: "t", other: { parent: 2 } }]);
});

Deno.test("normalizeFields() never mutates its input and keeps non-plain values", () => {
  const date = new Date(0);
  const input = { a_b: { c_d: [1, { e_f: date }] }, __proto_key: 1 };
  const snapshot = structuredClone(input);
  const out = normalizeFields(input, "camelCase") as Record<string, unknown>;
  assert.deepEqual(input, snapshot);
  const inner = (out.aB as { cD: [number, { eF: Date }] }).cD[1];
  assert.equal(inner.eF, date);
});

Deno.test("normalizeFields() keeps a __proto__ key as data", () => {
  const input = JSON.parse('{"__proto__": {"x_y": 1}}');
  const out = normalizeFields(input, { map: { x_y: "xY" } }) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, { xY: 1 });
});

Deno.test("normalizeToolResult() rewrites value and structuredContent, keeps content", () => {
  const content = [{ type: "text", text: '{"system.id":1}' }];
  const result = normalizeToolResult(
    { value: { "system.id": 1 }, structuredContent: { "system.id": 1 }, content },
    "pascal-prefix",
  );
  assert.deepEqual(result.value, { "System.Id": 1 });
  assert.deepEqual(result.structuredContent, { "System.Id": 1 });
  assert.equal(result.content, content);
  const untouched = { value: { a_b: 1 }, content: [] };
  assert.equal(normalizeToolResult(untouched, "none"), untouched);
});
