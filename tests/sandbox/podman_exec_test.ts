/**
 * The strict tier through `mcpx exec` as a real subprocess: a timeout and a SIGINT to mcpx both
 * leave no container behind, and a skill that needs the network is refused with the way out.
 */
import assert from "node:assert/strict";
import { CLI, ROOT } from "../helpers/paths.ts";
import { skipUnless } from "../helpers/skip.ts";
import { containersMounting, NO_PODMAN, PODMAN_AVAILABLE } from "./strict/_strict.ts";

const ignore = skipUnless(PODMAN_AVAILABLE, NO_PODMAN);
const SPIN = `${ROOT}/tests/fixtures/exec/spin.ts`;

/** A temp project with an empty server list and a short timeout. */
async function withProject(body: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_podman_exec_" }));
  try {
    await Deno.writeTextFile(
      `${root}/mcp_config.json`,
      JSON.stringify({ mcpServers: {}, sandbox: { tier: "podman", timeout: 30, max_timeout: 60 } }),
    );
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function mcpx(root: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, "exec", ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess) {
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test({
  name: "mcpx exec --tier podman: a timeout exits 124 and leaves no container",
  ignore,
  async fn() {
    await withProject(async (root) => {
      const r = await finish(mcpx(root, ["--timeout", "3", SPIN]));
      assert.equal(r.code, 124, r.stderr);
      assert.match(r.stderr, /timed out after 3 s/);
      assert.deepEqual(await containersMounting(root), []);
    });
  },
});

Deno.test({
  name: "mcpx exec --tier podman: SIGINT to mcpx kills and removes the running container",
  ignore,
  async fn() {
    await withProject(async (root) => {
      const child = mcpx(root, [SPIN]);
      const [watch, rest] = child.stderr.tee();
      const drained = rest.pipeTo(new WritableStream());
      try {
        // Wait until the skill runs inside its container (it says its pid on stderr).
        const reader = watch.pipeThrough(new TextDecoderStream()).getReader();
        let seen = "";
        while (!seen.includes("pid ")) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += value;
        }
        await reader.cancel();
        assert.equal((await containersMounting(root)).length, 1, seen);
        child.kill("SIGINT");
        const status = await child.status;
        assert.equal(status.code, 130);
        assert.deepEqual(await containersMounting(root), []);
      } finally {
        try {
          child.kill("SIGKILL");
        } catch { /* already exited */ }
        await child.status;
        await child.stdout.cancel().catch(() => {});
        await drained.catch(() => {});
      }
    });
  },
});

Deno.test({
  name: "mcpx exec --tier podman: a skill that needs the network is refused, naming --tier deno",
  ignore,
  async fn() {
    await withProject(async (root) => {
      const r = await finish(
        mcpx(root, [`${ROOT}/skills/fetch.ts`, "--url", "https://example.com/"]),
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /network access to example\.com.*--tier deno/);
    });
  },
});

Deno.test({
  name: "mcpx exec --tier podman uses the config's sandbox.image, and names a missing one",
  ignore,
  async fn() {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_podman_image_" }));
    try {
      const image = "localhost/mcpx-no-such-image:1";
      await Deno.writeTextFile(
        `${root}/mcp_config.json`,
        JSON.stringify({ mcpServers: {}, sandbox: { tier: "podman", image } }),
      );
      await Deno.writeTextFile(`${root}/hello.ts`, 'console.log("hello");\n');
      const { code, stdout, stderr } = await finish(mcpx(root, ["hello.ts"]));
      assert.equal(code, 1, stderr);
      assert.equal(stdout, "");
      assert.equal(
        stderr,
        `error: sandbox.image "${image}" is not in podman's local image store (see "podman ` +
          `images"; no registry is pulled from). Build it as container/README.md shows, or ` +
          `remove "image" from mcp_config.json to use the locally built root filesystem.\n`,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
