/**
 * The fast tier's memory limit and Worker bound through `mcpx serve` (HTTP): an `execute_code`
 * snippet holding memory outside the JS heap is killed at the run's limit, 150 Workers are
 * refused after the bound, and the server keeps serving.
 */
import assert from "node:assert/strict";
import { connectHttp, startServe, textOf } from "../fixtures/serve/_setup.ts";
import { wallSupport } from "../../lib/sandbox/bwrap.ts";
import { cgroupSupport } from "../../lib/sandbox/cgroup.ts";
import { skipUnless } from "../helpers/skip.ts";

Deno.test({
  name: "mcpx serve: execute_code is held by the run's memory limit and Worker bound",
  ignore: skipUnless(
    (await wallSupport()).available && cgroupSupport().kind !== "none",
    "the second wall and the run cgroup need bubblewrap and a writable cgroup (root)",
  ),
  async fn(t) {
    await using serve = await startServe();
    await using client = await connectHttp(serve.url);
    const run = async (code: string) => {
      const result = await client.callTool({
        name: "execute_code",
        arguments: { code, servers: [] },
      });
      return { isError: result.isError === true, text: textOf(result) };
    };
    const stillServes = async () => {
      const r = await run('console.log("still here");');
      assert.equal(r.isError, false, r.text);
      assert.match(r.text, /still here/);
    };

    await t.step("1.5 GiB of ArrayBuffers: killed at the run's memory limit", async () => {
      const r = await run(
        "const keep = []; for (let i = 0; i < 24; i++) " +
          "keep.push(new Uint8Array(64 * 1024 * 1024).fill(1)); console.log('held', keep.length);",
      );
      assert.equal(r.isError, true);
      assert.match(
        r.text,
        /the run reached its memory limit \(512 MiB for the whole run, cgroup\)/,
      );
      assert.doesNotMatch(r.text, /held 24/);
      await stillServes();
    });

    await t.step("150 Workers: refused after the bound", async () => {
      const r = await run(
        "const url = URL.createObjectURL(new Blob(['setInterval(() => {}, 1000);'], " +
          "{ type: 'text/javascript' })); let n = 0; " +
          "try { for (; n < 150; n++) new Worker(url, { type: 'module' }); console.log('ALLOWED', n); } " +
          "catch (e) { console.log('REFUSED after', n, e.name); } Deno.exit(0);",
      );
      assert.match(r.text, /REFUSED after 4 QuotaExceededError/);
      await stillServes();
    });
  },
});
