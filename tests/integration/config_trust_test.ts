import assert from "node:assert/strict";
import { join } from "node:path";
import { McpClientManager } from "../../lib/client/manager.ts";
import { TRUST_ENV_VARS } from "../../lib/config/trust.ts";
import { ClientError } from "../../lib/errors.ts";
import { SERVERS } from "../helpers/paths.ts";
import { denoServer, httpServer, testConfig } from "../helpers/servers.ts";
import { skipUnless } from "../helpers/skip.ts";

const hasOpenssl = await new Deno.Command("openssl", { args: ["version"], stdout: "null" })
  .output().then((out) => out.success, () => false);

async function openssl(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A throwaway CA and a certificate for 127.0.0.1 that it signed, made with openssl. */
async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    dir,
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=mcpx test CA",
  );
  await openssl(
    dir,
    "req",
    ...ec,
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=127.0.0.1",
  );
  await Deno.writeTextFile(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  );
  return { ca: join(dir, "ca.pem"), cert: join(dir, "leaf.pem"), key: join(dir, "leaf.key") };
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ClientError, `expected a ClientError, got ${error}`);
  return error;
}

/** Only what a fresh machine has: no trust-store variable at all. */
function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...extra };
}

Deno.test("a stdio server that must download from npm gets mcpx's trust-store variables", async () => {
  const denoDir = await Deno.makeTempDir({ prefix: "mcpx-empty-deno-dir-" });
  const server = denoServer("everything", SERVERS.everything, { env: { DENO_DIR: denoDir } });
  const manager = new McpClientManager({ config: testConfig(server), env: Deno.env.toObject() });
  try {
    const tools = await manager.listTools("everything");
    assert.ok(tools.some((tool) => tool.name === "echo"), "server-everything lists echo");
    const inherited = TRUST_ENV_VARS.filter((name) => Deno.env.get(name) !== undefined);
    const child = await Deno.readTextFile(`/proc/${manager.stats("everything").pid}/environ`);
    for (const name of inherited) {
      assert.ok(child.includes(`\0${name}=`) || child.startsWith(`${name}=`), `${name} reached it`);
    }
  } finally {
    await manager.cleanup();
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test({
  name: "an untrusted certificate is one line naming the variable to set",
  ignore: skipUnless(hasOpenssl, "openssl is not installed; cannot make a test CA"),
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "mcpx-tls-" });
    const { ca, cert, key } = await makeCertificates(dir);
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(cert),
      key: await Deno.readTextFile(key),
      onListen: () => {},
    }, () =>
      new Response('console.error("module downloaded through the test CA"); Deno.exit(3);', {
        headers: { "content-type": "application/typescript" },
      }));
    const origin = `https://127.0.0.1:${server.addr.port}`;
    const stdio = (name: string) =>
      denoServer(name, `${origin}/server.ts`, {
        env: { DENO_DIR: join(dir, `deno-dir-${name}`) },
      });
    try {
      await t.step("stdio: Deno's UnknownIssuer names DENO_CERT", async () => {
        const manager = new McpClientManager({ config: testConfig(stdio("a")), env: bareEnv() });
        const error = await failure(manager.listTools("a")).finally(() => manager.cleanup());
        assert.equal(
          error.message,
          `Server "a" (command "${Deno.execPath()}") could not start: TLS certificate not trusted ` +
            "(invalid peer certificate: UnknownIssuer): if your network uses its own certificate " +
            "authority, set DENO_CERT=/path/to/ca.pem or DENO_TLS_CA_STORE=system in mcpx's " +
            "environment (stdio servers inherit it).",
        );
      });
      await t.step("stdio: a DENO_CERT without that CA is named as the culprit", async () => {
        const other = join(dir, "other");
        await Deno.mkdir(other);
        const { ca: wrong } = await makeCertificates(other);
        const env = bareEnv({ DENO_CERT: wrong });
        const manager = new McpClientManager({ config: testConfig(stdio("b")), env });
        const error = await failure(manager.listTools("b")).finally(() => manager.cleanup());
        assert.match(
          error.message,
          new RegExp(`: DENO_CERT=${wrong} is set but does not hold the CA that signed`),
        );
      });
      await t.step("stdio: DENO_CERT in mcpx's environment reaches the server", async () => {
        const manager = new McpClientManager({
          config: testConfig(stdio("c")),
          env: bareEnv({ DENO_CERT: ca }),
        });
        const error = await failure(manager.listTools("c")).finally(() => manager.cleanup());
        // It trusted the CA, downloaded the module and ran it (which exits on purpose).
        assert.equal(error.code, "SERVER_EXITED");
        assert.match(error.message, /module downloaded through the test CA/);
      });
      await t.step("http: mcpx's own connection names the variable too", async () => {
        const manager = new McpClientManager({
          config: testConfig(httpServer("remote", `${origin}/mcp`)),
          env: bareEnv(),
        });
        const error = await failure(manager.listTools("remote")).finally(() => manager.cleanup());
        assert.match(
          error.message,
          /^Cannot connect to server "remote" at https:\/\/127\.0\.0\.1:\d+\/mcp: TLS certificate not trusted \(invalid peer certificate: UnknownIssuer\): .*set DENO_CERT=\/path\/to\/ca\.pem/,
        );
      });
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
