import assert from "node:assert/strict";
import { isSecretKey, maskSecrets, maskValue } from "../../lib/config/mask.ts";
import type { HttpServerConfig, StdioServerConfig } from "../../lib/config/types.ts";

const BASE = { disabled: false, timeoutMs: 60_000, normalize: "none" } as const;

Deno.test("isSecretKey() recognizes secret-looking names and leaves ordinary ones", async (t) => {
  await t.step("secrets", () => {
    for (
      const key of [
        "GITHUB_PERSONAL_ACCESS_TOKEN",
        "Authorization",
        "X-API-Key",
        "apiKey",
        "APIKEY",
        "DB_PASSWORD",
        "client_secret",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "--auth",
        "Cookie",
      ]
    ) assert.ok(isSecretKey(key), key);
  });
  await t.step("not secrets", () => {
    for (const key of ["MEMORY_FILE_PATH", "keyboard", "monkey", "PORT", "--allow-all", "Accept"]) {
      assert.ok(!isSecretKey(key), key);
    }
  });
});

Deno.test("maskValue() keeps an auth scheme and 2 characters of long values only", () => {
  assert.equal(maskValue("Bearer abcdefghijklmnop"), "Bearer ab…(masked)");
  assert.equal(maskValue("ghp_0123456789abcdefghij"), "gh…(masked)");
  assert.equal(maskValue("hunter2"), "…(masked)");
  assert.equal(maskValue(""), "…(masked)");
});

Deno.test("maskSecrets() masks env, args, headers and URL secrets and nothing else", async (t) => {
  await t.step("a stdio server", () => {
    const server: StdioServerConfig = {
      ...BASE,
      name: "gh",
      type: "stdio",
      command: "gh-mcp",
      args: ["--token", "abcdefghijklmnop", "--api-key=short", "--repo", "me/x"],
      env: { GITHUB_TOKEN: "ghp_0123456789abcdefghij", LOG_LEVEL: "debug" },
      cwd: "/p",
    };
    assert.deepEqual(maskSecrets(server), {
      ...server,
      args: ["--token", "ab…(masked)", "--api-key=…(masked)", "--repo", "me/x"],
      env: { GITHUB_TOKEN: "gh…(masked)", LOG_LEVEL: "debug" },
    });
    assert.equal(server.env.GITHUB_TOKEN, "ghp_0123456789abcdefghij", "the input is not changed");
  });
  await t.step("an http server", () => {
    const server: HttpServerConfig = {
      ...BASE,
      name: "api",
      type: "http",
      url: "https://user:pw@api.example/mcp?api_key=abcdefghijklmnop&limit=5",
      headers: { Authorization: "Bearer abcdefghijklmnop", Accept: "application/json" },
      fallbackToSse: false,
    };
    assert.deepEqual(maskSecrets(server), {
      ...server,
      url: "https://user:masked@api.example/mcp?api_key=ab…(masked)&limit=5",
      headers: { Authorization: "Bearer ab…(masked)", Accept: "application/json" },
    });
  });
});
