import assert from "node:assert/strict";
import { runAttack, verdicts } from "./_fast.ts";
import {
  assertSkillHostsPublic,
  assertSkillNamesResolvePublic,
  denoFlagsFor,
} from "../../lib/sandbox/permissions.ts";
import { batteryGrant } from "./_grant.ts";
import { UsageError } from "../../lib/errors.ts";

/** A loopback server the skill must not reach unless the user allows it explicitly. */
async function withLoopbackServer(body: (port: number) => Promise<void>): Promise<void> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("LOOPBACK SECRET"),
  );
  try {
    await body(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

Deno.test("fast tier: the network is closed except for granted hosts", async (t) => {
  await t.step("a host that was not granted is refused before any lookup", async () => {
    const r = await runAttack("fetch_url", { args: ["http://example.com/"] });
    assert.deepEqual(verdicts(r.stdout), [
      'REFUSED NotCapable: Requires net access to "example.com:80", run again with the --allow-net flag',
    ]);
  });

  await t.step("a listening socket is refused", async () => {
    const r = await runAttack("listen_tcp");
    assert.match(
      verdicts(r.stdout)[0]!,
      /^REFUSED NotCapable: Requires net access to "0\.0\.0\.0:0"/,
    );
  });
});

Deno.test("fast tier: private and local addresses are refused even when declared", async (t) => {
  await withLoopbackServer(async (port) => {
    await t.step("127.0.0.1 (not granted at all)", async () => {
      const r = await runAttack("fetch_url", { args: [`http://127.0.0.1:${port}/`] });
      assert.deepEqual(verdicts(r.stdout), [
        `REFUSED NotCapable: Requires net access to "127.0.0.1:${port}", ` +
        "run again with the --allow-net flag",
      ]);
    });

    await t.step("a granted hostname that resolves to loopback (localhost)", async () => {
      const r = await runAttack("fetch_url", {
        args: [`http://localhost:${port}/`],
        net: [`localhost:${port}`],
      });
      // fetch checks the resolved address and reports it as the cause, before connecting.
      assert.deepEqual(verdicts(r.stdout), [
        `REFUSED TypeError: fetch failed [cause: error sending request for url ` +
        `(http://localhost:${port}/): client error (Connect): Requires net access to ` +
        `"127.0.0.1:${port}", run again with the --allow-net flag]`,
      ]);
    });

    await t.step("a raw TCP connect to a granted name that resolves to loopback", async () => {
      const r = await runAttack("connect_tcp", {
        args: ["localhost", String(port)],
        net: [`localhost:${port}`],
      });
      assert.match(
        verdicts(r.stdout)[0]!,
        /^REFUSED NotCapable: Requires net access to "127\.0\.0\.1:/,
      );
    });

    await t.step("--allow-net 127.0.0.1:PORT from the user opens exactly that", async () => {
      const r = await runAttack("fetch_url", {
        args: [`http://127.0.0.1:${port}/`],
        net: [`127.0.0.1:${port}`],
        explicitNet: [`127.0.0.1:${port}`],
      });
      assert.deepEqual(verdicts(r.stdout), ["ALLOWED 200 LOOPBACK SECRET"]);
    });

    await t.step("...but not another loopback address of the same range", async () => {
      const r = await runAttack("connect_tcp", {
        args: ["127.0.0.2", String(port)],
        net: [`127.0.0.1:${port}`],
        explicitNet: [`127.0.0.1:${port}`],
      });
      assert.match(
        verdicts(r.stdout)[0]!,
        /^REFUSED NotCapable: Requires net access to "127\.0\.0\.2:/,
      );
    });
  });

  // No packet may leave for these: the permission check must refuse before connecting. The
  // attack gives up after two seconds, so a missing check would show as "gave up" instead.
  for (
    const [label, host] of [
      ["cloud metadata 169.254.169.254", "169.254.169.254"],
      ["RFC 1918 10.0.0.1", "10.0.0.1"],
      ["RFC 1918 192.168.1.1", "192.168.1.1"],
      ["RFC 1918 172.16.0.1", "172.16.0.1"],
      ["0.0.0.0", "0.0.0.0"],
      ["IPv6 loopback", "::1"],
    ] as const
  ) {
    await t.step(`${label}, reached by a skill with no grant, is refused by name`, async () => {
      const display = host.includes(":") ? `[${host}]` : host;
      const r = await runAttack("connect_tcp", { args: [host, "80"] });
      assert.deepEqual(verdicts(r.stdout), [
        `REFUSED NotCapable: Requires net access to "${display}:80", ` +
        "run again with the --allow-net flag",
      ]);
    });
  }
});

Deno.test("fast tier: a private address the user did not allow is refused before spawning", async (t) => {
  for (
    const entry of [
      "127.0.0.1:8080",
      "169.254.169.254",
      "10.0.0.1:80",
      "[::ffff:127.0.0.1]:8080",
      "[::1]:80",
      "[fd00::1]:80",
      "[fe80::1]",
      "localhost:8080",
      "localhost",
      "evil.localhost",
    ]
  ) {
    await t.step(`declared "${entry}"`, () => {
      assert.throws(
        () => assertSkillHostsPublic(batteryGrant("/w", { net: [entry] }, {}).net),
        (error) =>
          error instanceof UsageError &&
          error.message.startsWith(`Refusing net access to "${entry}" (`) &&
          error.message.includes(`pass --allow-net ${entry} to mcpx exec yourself`),
      );
    });
  }

  await t.step(
    "a skill's name resolving privately is refused once the user opened an address",
    async () => {
      const opened = { host: "127.0.0.1", port: 8080, explicit: true };
      const name = { host: "localhost", explicit: false }; // resolves through /etc/hosts
      await assert.rejects(
        assertSkillNamesResolvePublic([name, opened]),
        (error) =>
          error instanceof UsageError &&
          /^Refusing net access to "localhost": it resolves to (127\.0\.0\.1|::1) /.test(
            error.message,
          ),
      );
      // Without a hole in the deny list, Deno's deny list refuses it at connect time instead.
      await assertSkillNamesResolvePublic([name]);
    },
  );

  await t.step("the same entry given with --allow-net is granted", () => {
    const grant = batteryGrant("/w", { explicitNet: ["127.0.0.1:8080"] }, {});
    assertSkillHostsPublic(grant.net);
    const flags = denoFlagsFor(grant, { bridgeSocket: "/tmp/x/bridge.sock" });
    assert.ok(flags.includes("--allow-net=127.0.0.1:8080,unix:/tmp/x/bridge.sock"));
    const deny = flags.find((flag) => flag.startsWith("--deny-net="))!;
    assert.ok(!deny.includes("127.0.0.0/8") && deny.includes("127.0.0.2/31"));
  });
});
