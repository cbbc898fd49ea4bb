import assert from "node:assert/strict";
import { expandPermissionRequests, resolvePermissions } from "../../lib/skills/permissions.ts";
import { SkillError } from "../../lib/errors.ts";

const fields = ["url", "out", "files"];

Deno.test("expandPermissionRequests() replaces argument references by their values", () => {
  const requested = expandPermissionRequests(
    {
      net: [{ fromArg: "url" }, "example.org:443"],
      read: [{ fromArg: "files" }],
      write: [{ fromArg: "out" }],
      env: ["HOME"],
    },
    { url: "https://a.example:8443/x", files: ["a.txt", "b/c.txt"] },
    fields,
  );
  assert.deepEqual(requested, {
    net: [{ value: "https://a.example:8443/x", fromArg: "url" }, { value: "example.org:443" }],
    read: [{ value: "a.txt", fromArg: "files" }, { value: "b/c.txt", fromArg: "files" }],
    write: [],
    env: ["HOME"],
  });
  assert.throws(
    () => expandPermissionRequests({ net: [{ fromArg: "link" }] }, {}, fields),
    (e: unknown) => e instanceof SkillError && e.code === "SKILL_INVALID",
  );
  assert.throws(() => expandPermissionRequests({ env: [{ fromArg: "url" }] as never }, {}, fields));
});

Deno.test("resolvePermissions() gives hosts and absolute paths, confining argument paths", async (t) => {
  const workspace = "/w/workspace";
  await t.step("hosts from URLs, with the port only when the URL has one", () => {
    const resolved = resolvePermissions({
      net: [
        { value: "https://a.example/x", fromArg: "url" },
        { value: "http://[::1]:9000/", fromArg: "url" },
        { value: "b.example:81", fromArg: "url" },
        { value: "c.example" },
      ],
      read: [],
      write: [],
      env: [],
    }, { workspace });
    assert.deepEqual(resolved.net, ["a.example", "[::1]:9000", "b.example:81", "c.example"]);
  });
  await t.step("paths resolve against the workspace", () => {
    const resolved = resolvePermissions({
      net: [],
      read: [{ value: "data/in.csv", fromArg: "out" }, { value: "/etc/static" }],
      write: [{ value: "./out.txt", fromArg: "out" }],
      env: [],
    }, { workspace });
    assert.deepEqual(resolved.read, ["/w/workspace/data/in.csv", "/etc/static"]);
    assert.deepEqual(resolved.write, ["/w/workspace/out.txt"]);
  });
  await t.step("an argument path outside the workspace is refused unless widened", () => {
    const requested = {
      net: [],
      read: [{ value: "../secret", fromArg: "out" }],
      write: [],
      env: [],
    };
    assert.throws(
      () => resolvePermissions(requested, { workspace }),
      (e: unknown) =>
        e instanceof SkillError && e.code === "INVALID_ARGUMENTS" &&
        e.message.startsWith('--out: "../secret" resolves to /w/secret, outside the workspace'),
    );
    assert.deepEqual(
      resolvePermissions(requested, { workspace, widened: { read: ["/w"] } }).read,
      ["/w/secret"],
    );
    assert.throws(() => resolvePermissions(requested, { workspace, widened: { write: ["/w"] } }));
  });
});
