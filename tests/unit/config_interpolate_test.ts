import assert from "node:assert/strict";
import { ConfigError } from "../../lib/errors.ts";
import { interpolate, interpolateEnv } from "../../lib/config/interpolate.ts";
import { parseConfig } from "../../lib/config/parse.ts";
import type { HttpServerConfig } from "../../lib/config/types.ts";

const ENV = { HOME: "/home/me", EMPTY: "", PORT: "8080" };

Deno.test("interpolateEnv() replaces references and keeps everything else as written", async (t) => {
  const cases: [template: string, expected: string][] = [
    ["${env:HOME}/x", "/home/me/x"],
    ["${HOME}/x", "/home/me/x"],
    ["${env:PORT}${env:PORT}", "80808080"],
    ["${env:MISSING:-fallback}", "fallback"],
    ["${env:EMPTY:-fallback}", "fallback"],
    ["${MISSING:-}", ""],
    ["${env:PORT:-1}", "8080"],
    ["${env:EMPTY}", ""],
    ["$${env:HOME}", "${env:HOME}"],
    ["$$${env:HOME}", "$${env:HOME}"],
    ["$HOME and $ and ${not a name} and ${env:}", "$HOME and $ and ${not a name} and ${env:}"],
    ["no references", "no references"],
  ];
  for (const [template, expected] of cases) {
    await t.step(template, () => assert.equal(interpolateEnv(template, ENV), expected));
  }
});

Deno.test("interpolateEnv() names an unset variable and how to give a default", () => {
  assert.throws(
    () => interpolateEnv("Bearer ${env:API_TOKEN}", ENV),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, "CONFIG_INVALID");
      assert.equal(
        error.message,
        "environment variable API_TOKEN is not set (export it, or write ${env:API_TOKEN:-default})",
      );
      assert.equal(error.data?.variable, "API_TOKEN");
      return true;
    },
  );
});

Deno.test("interpolateEnv() does not read inherited object properties as variables", () => {
  assert.throws(() => interpolateEnv("${constructor}", {}), ConfigError);
});

Deno.test("${file:path} reads a file relative to the config's folder, or says which one is missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-file-ref-" });
  try {
    await Deno.writeTextFile(`${dir}/token.txt`, "s3cret\n");
    const vars = { env: {}, named: { configDir: dir, userHome: "/home/me" } };
    assert.equal(interpolate("Bearer ${file:token.txt}", vars), "Bearer s3cret");
    assert.equal(interpolate(`\${file:${dir}/token.txt}`, vars), "s3cret");
    assert.equal(interpolate("${file:none.txt:-fallback}", vars), "fallback");
    assert.throws(() => interpolate("${file:~/none.txt}", vars), {
      message: "cannot read /home/me/none.txt for ${file:~/none.txt}: not found (create it, or " +
        "fix the reference)",
    });
    const opencode = await parseConfig(
      JSON.stringify({
        mcp: {
          r: { type: "remote", url: "http://127.0.0.1:1/mcp", headers: { A: "{file:token.txt}" } },
        },
      }),
      { path: `${dir}/opencode.json`, env: {} },
    );
    assert.deepEqual((opencode.servers.r as HttpServerConfig).headers, { A: "s3cret" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
