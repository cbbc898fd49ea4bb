/**
 * OAuth 2.1 end to end: `mcpx auth` (headless and browser) against a loopback MCP server
 * protected by the MCP SDK's own server-side auth, then calls with the stored tokens: expiry and
 * refresh (proactive and after a 401), revocation, a wrong issuer, a pre-registered client, two
 * processes refreshing at once, logout and status.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { McpClientManager } from "../../lib/client/manager.ts";
import { AuthStore } from "../../lib/auth/store.ts";
import { type OAuthServerOptions, startOAuthServer } from "../fixtures/oauth/server.ts";
import { completeLogin } from "../fixtures/oauth/login.ts";
import { CLI, ROOT } from "../helpers/paths.ts";

interface Sandbox {
  dir: string;
  config: string;
  env: Record<string, string>;
}

async function sandbox(serverUrl: string, entry: Record<string, unknown> = { auth: "oauth" }) {
  const dir = await Deno.makeTempDir({ prefix: "mcpx-oauth-" });
  const config = join(dir, "mcp_config.json");
  await Deno.writeTextFile(
    config,
    JSON.stringify({ mcpServers: { secure: { url: serverUrl, ...entry } } }),
  );
  const env = {
    ...Deno.env.toObject(),
    XDG_STATE_HOME: join(dir, "state"),
    DISPLAY: "",
    WAYLAND_DISPLAY: "",
  };
  return { dir, config, env } satisfies Sandbox;
}

function mcpx(box: Sandbox, args: string[], extraEnv: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--no-prompt",
      CLI,
      args[0]!,
      "--config",
      box.config,
      ...args.slice(1),
    ],
    cwd: box.dir,
    env: { ...box.env, ...extraEnv },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess) {
  await child.stdin.close().catch(() => {});
  const { code, stdout, stderr } = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

/** `mcpx auth secure --headless`, the user approving in "a browser elsewhere" and pasting. */
async function headlessLogin(
  box: Sandbox,
  server: Awaited<ReturnType<typeof startOAuthServer>>,
  options: { flag?: boolean; answer?: (redirected: string) => string; deny?: boolean } = {},
) {
  const flags = options.flag === false ? [] : ["--headless"];
  const child = mcpx(box, ["auth", "secure", ...flags, "--timeout", "60"]);
  return await completeLogin(child, server, options);
}

function manager(box: Sandbox) {
  return new McpClientManager({ configPath: box.config, cwd: box.dir, env: box.env });
}

async function withServer(
  options: OAuthServerOptions,
  entry: Record<string, unknown> | undefined,
  body: (server: Awaited<ReturnType<typeof startOAuthServer>>, box: Sandbox) => Promise<void>,
) {
  await using server = await startOAuthServer(options);
  const box = await sandbox(server.url, entry);
  try {
    await body(server, box);
  } finally {
    await Deno.remove(box.dir, { recursive: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("mcpx auth --headless logs in with dynamic registration and PKCE; calls then use the stored token", async () => {
  await withServer({}, undefined, async (server, box) => {
    const login = await headlessLogin(box, server);
    assert.equal(login.code, 0, login.stderr);
    assert.ok(login.stdout.includes('Logged in to "secure"'), login.stdout);
    const url = new URL(login.url);
    assert.equal(url.searchParams.get("code_challenge_method"), "S256");
    assert.equal(url.searchParams.get("resource"), server.url);
    assert.equal(server.stats.registrations, 1);

    const store = new AuthStore(join(box.dir, "state", "mcpx", "auth"));
    const file = await store.pathOf(server.url);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(store.dir)).mode! & 0o777, 0o700);

    const call = await finish(mcpx(box, ["call", "secure", "whoami"]));
    assert.equal(call.code, 0, call.stderr);
    const record = await store.read(server.url);
    assert.ok(call.stdout.includes(record!.client!.client_id), call.stdout);
    assert.equal(server.stats.toolCalls, 1);
    const tools = await finish(mcpx(box, ["tools", "secure"]));
    assert.equal(tools.code, 0, tools.stderr);
    assert.match(tools.stdout, /^whoami +The OAuth client/m);
  });
});

Deno.test("a call refreshes an expiring token before sending it, and after a 401 when the server expired it early", async () => {
  await withServer({ accessTokenTtlSeconds: 2 }, undefined, async (server, box) => {
    assert.equal((await headlessLogin(box, server)).code, 0);
    await sleep(2100);
    await using clients = manager(box);
    const first = await clients.callTool("secure", "add", { a: 2, b: 3 });
    assert.equal(first.value, 5);
    assert.equal(server.stats.refreshes, 1);
    assert.equal(server.stats.unauthorized, 0, "the refresh happened before the request");

    server.expireAccessTokens();
    const second = await clients.callTool("secure", "add", { a: 1, b: 1 });
    assert.equal(second.value, 2);
    assert.equal(server.stats.refreshes, 2);
    assert(server.stats.unauthorized >= 1);
  });
});

Deno.test("after revocation a call fails with AUTH_REQUIRED naming mcpx auth, without opening a browser", async () => {
  await withServer({}, undefined, async (server, box) => {
    assert.equal((await headlessLogin(box, server)).code, 0);
    server.revokeAll();
    const bin = join(box.dir, "bin");
    const marker = join(box.dir, "browser-opened");
    await Deno.mkdir(bin);
    await Deno.writeTextFile(join(bin, "xdg-open"), `#!/bin/sh\necho "$@" > ${marker}\n`, {
      mode: 0o755,
    });
    const call = await finish(mcpx(box, ["call", "secure", "whoami"], {
      DISPLAY: ":0",
      PATH: `${bin}:${box.env.PATH}`,
    }));
    assert.equal(call.code, 1);
    const lines = call.stderr.trim().split("\n");
    assert.equal(lines.length, 1, call.stderr);
    assert.match(
      lines[0]!,
      /^error: Server "secure" refused the stored OAuth login: run "mcpx auth secure"$/,
    );
    await assertMissing(marker);

    await using clients = manager(box);
    const error = await clients.callTool("secure", "whoami", {}).then(() => undefined, (e) => e);
    assert.equal(error?.code, "AUTH_REQUIRED");
    assert.match(error.message, /run "mcpx auth secure"$/);
  });
});

async function assertMissing(path: string) {
  const exists = await Deno.stat(path).then(() => true, () => false);
  assert(!exists, `${path} exists: a browser was opened`);
}

Deno.test("without a login, call fails with AUTH_REQUIRED before any request", async () => {
  await withServer({}, undefined, async (server, box) => {
    const call = await finish(mcpx(box, ["call", "secure", "whoami"]));
    assert.equal(call.code, 1);
    assert.equal(
      call.stderr.trim(),
      'error: Server "secure" needs an OAuth login: run "mcpx auth secure"',
    );
    assert.equal(server.stats.registrations + server.stats.unauthorized, 0);
  });
});

Deno.test("mcpx auth refuses authorization server metadata with a wrong issuer in one line", async () => {
  await withServer(
    { advertisedIssuer: "https://evil.example/" },
    undefined,
    async (server, box) => {
      const result = await finish(mcpx(box, ["auth", "secure", "--headless"]));
      assert.equal(result.code, 1);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0]!,
        /^error: Refusing to log in to server "secure": .*"https:\/\/evil\.example\/"/,
      );
      assert.equal(server.stats.registrations, 0);
    },
  );
});

Deno.test("a pre-registered client from the config logs in without dynamic registration; its secret stays out of the store", async () => {
  const client = {
    clientId: "mcpx-pre",
    clientSecret: "pre-secret-value",
    redirectUris: ["http://127.0.0.1/callback"],
  };
  await withServer(
    { clients: [client], dynamicRegistration: false },
    {
      type: "http",
      oauth: { clientId: "mcpx-pre", clientSecret: "pre-secret-value", scopes: ["mcp:tools"] },
    },
    async (server, box) => {
      // No --headless: without a display mcpx goes headless on its own.
      const login = await headlessLogin(box, server, { flag: false });
      assert.equal(login.code, 0, login.stderr);
      assert.ok(!login.stderr.includes("Opening it with"), login.stderr);
      assert.ok(login.stderr.includes("paste the URL"), login.stderr);
      assert.equal(new URL(login.url).searchParams.get("client_id"), "mcpx-pre");
      await using clients = manager(box);
      const who = await clients.callTool("secure", "whoami", {});
      assert.equal((who.value as { clientId: string }).clientId, "mcpx-pre");
      assert.equal(server.stats.registrations, 0);
      const store = new AuthStore(join(box.dir, "state", "mcpx", "auth"));
      const text = await Deno.readTextFile(await store.pathOf(server.url));
      assert(!text.includes("pre-secret-value"));
    },
  );
});

for (const rotate of [true, false]) {
  Deno.test(
    `two processes refreshing the same expired token at once: one refresh, both calls succeed (${
      rotate ? "rotating" : "non-rotating"
    } refresh tokens)`,
    async () => {
      await withServer(
        { accessTokenTtlSeconds: 2, refreshDelayMs: 1500, rotateRefreshTokens: rotate },
        undefined,
        async (server, box) => {
          assert.equal((await headlessLogin(box, server)).code, 0);
          await sleep(2100);
          const [a, b] = await Promise.all([
            finish(mcpx(box, ["call", "secure", "add", "a=1", "b=2"])),
            finish(mcpx(box, ["call", "secure", "add", "a=3", "b=4"])),
          ]);
          assert.equal(a.code, 0, a.stderr);
          assert.equal(b.code, 0, b.stderr);
          assert.equal(server.stats.refreshes, 1);
          assert.equal(server.stats.refusedRefreshes, 0);
          assert.equal(server.stats.toolCalls, 2);
        },
      );
    },
  );
}

Deno.test("mcpx auth --status shows the state without secrets; --logout revokes and deletes", async () => {
  await withServer({}, undefined, async (server, box) => {
    assert.equal((await headlessLogin(box, server)).code, 0);
    const store = new AuthStore(join(box.dir, "state", "mcpx", "auth"));
    const record = await store.read(server.url);
    const status = await finish(mcpx(box, ["auth", "--status"]));
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout,
      /^secure +logged in, expires in 1 h, scope "mcp:tools", client registered/m,
    );
    assert(!status.stdout.includes(record!.tokens!.access_token));
    assert(!status.stdout.includes(record!.tokens!.refresh_token!));

    const logout = await finish(mcpx(box, ["auth", "secure", "--logout"]));
    assert.equal(logout.code, 0, logout.stderr);
    assert.ok(
      logout.stdout.includes('Logged out of "secure" (tokens revoked at the server)'),
      logout.stdout,
    );
    assert.equal(await store.read(server.url), undefined);
    assert.equal(server.stats.revocations, 1);
    const after = await finish(mcpx(box, ["auth"]));
    assert.match(after.stdout, /^secure +not logged in \(run "mcpx auth secure"\)/m);
  });
});

Deno.test("mcpx auth opens the browser when there is one and receives the loopback redirect", async () => {
  await withServer({}, undefined, async (server, box) => {
    const bin = join(box.dir, "bin");
    await Deno.mkdir(bin);
    // A faithful stand-in for a browser: load the page, approve, follow the redirect to mcpx.
    const browser = join(ROOT, "tests", "fixtures", "oauth", "browser.ts");
    await Deno.writeTextFile(
      join(bin, "xdg-open"),
      `#!/bin/sh\nexec "${Deno.execPath()}" run --allow-net "${browser}" "$1"\n`,
      { mode: 0o755 },
    );
    const child = mcpx(box, ["auth", "secure", "--timeout", "60"], {
      DISPLAY: ":0",
      PATH: `${bin}:${box.env.PATH}`,
    });
    const result = await finish(child);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.includes("Opening it with"), result.stderr);
    assert.equal(server.stats.codes, 1);
    await using clients = manager(box);
    assert.equal((await clients.callTool("secure", "add", { a: 20, b: 22 })).value, 42);
  });
});

Deno.test("a server without oauth in its config: the 401 names mcpx auth, and after a login calls work", async () => {
  await withServer({}, { type: "http" }, async (server, box) => {
    const before = await finish(mcpx(box, ["call", "secure", "whoami"]));
    assert.equal(before.code, 1);
    assert.match(
      before.stderr,
      /^error: Server "secure" refused the connection with HTTP 401: .*run "mcpx auth secure"\.$/m,
    );
    assert.equal((await headlessLogin(box, server)).code, 0);
    const after = await finish(mcpx(box, ["call", "secure", "add", "a=2", "b=2"]));
    assert.equal(after.code, 0, after.stderr);
    assert.equal(server.stats.toolCalls, 1);
  });
});

Deno.test("the login survives renaming the server: the store is keyed by URL", async () => {
  await withServer({}, undefined, async (server, box) => {
    assert.equal((await headlessLogin(box, server)).code, 0);
    await Deno.writeTextFile(
      box.config,
      JSON.stringify({ mcpServers: { renamed: { url: server.url, auth: "oauth" } } }),
    );
    const call = await finish(mcpx(box, ["call", "renamed", "add", "a=1", "b=1"]));
    assert.equal(call.code, 0, call.stderr);
  });
});

Deno.test("a refresh the authorization server refuses drops the stored tokens and asks for mcpx auth", async () => {
  await withServer({ accessTokenTtlSeconds: 1 }, undefined, async (server, box) => {
    assert.equal((await headlessLogin(box, server)).code, 0);
    server.revokeAll();
    await sleep(1100);
    const call = await finish(mcpx(box, ["call", "secure", "whoami"]));
    assert.equal(call.code, 1);
    assert.match(
      call.stderr.trim(),
      /^error: Refreshing the OAuth token of server "secure" failed \(the authorization server refused it: .*\): run "mcpx auth secure"$/,
    );
    const store = new AuthStore(join(box.dir, "state", "mcpx", "auth"));
    const record = await store.read(server.url);
    assert.equal(record?.tokens, undefined);
    assert.ok(record?.client !== undefined, "the registration is kept for the next login");
  });
});

Deno.test("a skill and a sandboxed script connect lazily with the stored login, and get AUTH_REQUIRED after logout", async () => {
  await withServer({}, undefined, async (server, box) => {
    await Deno.mkdir(join(box.dir, "workspace"));
    await Deno.writeTextFile(
      join(box.dir, "workspace", "who.ts"),
      `const caller = (globalThis as any)[Symbol.for("mcpx.toolCaller")];
try {
  const result = await caller.callTool("secure", "add", { a: 40, b: 2 });
  console.log(JSON.stringify(result.value));
} catch (error) {
  console.log((error as { code?: string }).code, (error as Error).message);
}
`,
    );
    const exec = () =>
      finish(mcpx(box, ["exec", "--tier", "deno", "--servers", "secure", "workspace/who.ts"]));
    assert.equal((await headlessLogin(box, server)).code, 0);
    const ok = await exec();
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "42\n");

    // A skill (defineSkill, servers: ["secure"]) in the user's own project, same path.
    await Deno.writeTextFile(
      join(box.dir, "secure_add.ts"),
      `/**
 * secure_add.ts
 * Adds two numbers on the OAuth-protected server.
 *
 * Example: mcpx exec secure_add.ts --a 1 --b 2
 */
import { z } from "zod";
import { defineSkill } from "mcpx/skill";

export default defineSkill({
  args: z.object({ a: z.number().describe("first"), b: z.number().describe("second") }),
  servers: ["secure"],
  async run(args, ctx) {
    const sum = await ctx.callTool("secure", "add", args);
    console.log(JSON.stringify(sum.value));
  },
});
`,
    );
    const skill = await finish(
      mcpx(box, ["exec", "--tier", "deno", "secure_add.ts", "--a", "20", "--b", "3"]),
    );
    assert.equal(skill.code, 0, skill.stderr);
    assert.equal(skill.stdout, "23\n");

    assert.equal((await finish(mcpx(box, ["auth", "secure", "--logout"]))).code, 0);
    const refused = await exec();
    assert.equal(
      refused.stdout,
      'AUTH_REQUIRED Server "secure" needs an OAuth login: run "mcpx auth secure"\n',
      refused.stderr,
    );
  });
});

Deno.test("a denied consent, a pasted URL with another state, or a bare code: one line each", async (t) => {
  await withServer({}, undefined, async (server, box) => {
    await t.step("denied", async () => {
      const login = await headlessLogin(box, server, { deny: true });
      assert.equal(login.code, 1);
      assert.equal(
        login.stderr.trim().split("\n").at(-1),
        'error: Login to server "secure" failed: the authorization server answered access_denied (the user denied access).',
      );
    });
    await t.step("another login's state", async () => {
      const login = await headlessLogin(box, server, {
        answer: (url) => url.replace(/state=[^&]+/, "state=forged"),
      });
      assert.equal(login.code, 1);
      assert.match(
        login.stderr,
        /error: Login to server "secure" failed: the redirect carries another login's state/,
      );
    });
    await t.step("the bare code is accepted", async () => {
      const login = await headlessLogin(box, server, {
        answer: (url) => new URL(url).searchParams.get("code")!,
      });
      assert.equal(login.code, 0, login.stderr);
    });
  });
});

Deno.test("the SSE transport uses the stored login too", async () => {
  await using server = await startOAuthServer();
  const box = await sandbox(server.sseUrl, { type: "sse", auth: "oauth" });
  try {
    const before = await finish(mcpx(box, ["call", "secure", "whoami"]));
    assert.equal(
      before.stderr,
      'error: Server "secure" needs an OAuth login: run "mcpx auth secure"\n',
    );
    const login = await headlessLogin(box, server);
    assert.equal(login.code, 0, login.stderr);
    assert.equal(new URL(login.url).searchParams.get("resource"), server.sseUrl);
    const call = await finish(mcpx(box, ["call", "secure", "add", "a=5", "b=6"]));
    assert.equal(call.code, 0, call.stderr);
    assert.equal(server.stats.toolCalls, 1);
  } finally {
    await Deno.remove(box.dir, { recursive: true });
  }
});
