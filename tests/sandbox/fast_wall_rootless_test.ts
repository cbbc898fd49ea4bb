/**
 * The fast tier's second wall as an unprivileged user (`mcpxci`, created by `.ci/podman-setup`):
 * the bwrap arguments rendered from a grant build the same view without root, through an
 * unprivileged user namespace.
 */
import assert from "node:assert/strict";
import { wallArgs, wallSupport } from "../../lib/sandbox/bwrap.ts";
import type { Grant } from "../../lib/sandbox/grant.ts";
import { skipUnless } from "../helpers/skip.ts";
import { ROOTLESS_USER as USER, runAsUser, userCanExecute, userUid } from "../helpers/rootless.ts";

const support = await wallSupport();
const runsAs = userUid() !== undefined && Deno.uid() === 0 &&
  (await userCanExecute(Deno.execPath()));
const ignore = skipUnless(
  support.available && runsAs,
  `the rootless wall test needs bubblewrap, root to switch to "${USER}" (run .ci/podman-setup) ` +
    `and a deno binary that user may execute`,
);

const PROBE = `
const out = [];
const tryIt = async (label, f) => {
  try { out.push(label + ": ALLOWED " + String(await f()).slice(0, 80)); }
  catch (e) { out.push(label + ": REFUSED " + e.name); }
};
const [secret, port] = Deno.args;
await tryIt("secret", () => Deno.readTextFileSync(secret));
await tryIt("host_pids", () => {
  const n = [...Deno.readDirSync("/proc")].filter((e) => /^\\d+$/.test(e.name)).length;
  if (n > 4) throw new Error("host processes visible");
  return n;
});
await tryIt("tcp_host", async () => (await Deno.connect({ hostname: "127.0.0.1", port: Number(port) })).close());
await tryIt("uid", () => Deno.uid());
await tryIt("workspace", () => Deno.writeTextFileSync("./ok.txt", "ok"));
console.log(out.join("\\n"));
`;

Deno.test({
  name: "fast tier's second wall holds for an unprivileged user",
  ignore,
  async fn() {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx_wall_rootless_" }));
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      await Deno.chmod(root, 0o755);
      for (const dir of ["code", "workspace", "deno_dir"]) await Deno.mkdir(`${root}/${dir}`);
      await Deno.writeTextFile(`${root}/code/probe.js`, PROBE);
      await Deno.writeTextFile(`${root}/secret`, "HOST-SECRET");
      await Deno.chmod(`${root}/secret`, 0o644); // readable by the user outside the wall
      for (const dir of ["workspace", "deno_dir"]) {
        await new Deno.Command("chown", { args: [USER, `${root}/${dir}`] }).output();
      }
      const grant: Grant = {
        code: [`${root}/code`],
        read: [`${root}/workspace`],
        write: [`${root}/workspace`],
        net: [],
        env: [],
        servers: [],
        limits: {
          timeoutMs: 20_000,
          memoryMb: 256,
          cpus: 1,
          pidsLimit: 64,
          workers: 8,
          outputLimitBytes: 65536,
        },
      };
      const env = { DENO_DIR: `${root}/deno_dir`, HOME: `${root}/workspace`, NO_COLOR: "1" };
      const args = wallArgs({
        grant,
        denoBinary: Deno.execPath(),
        denoDir: env.DENO_DIR,
        cwd: `${root}/workspace`,
        env,
      });
      const port = String((listener.addr as Deno.NetAddr).port);
      const out = await runAsUser(env, [
        (support as { bwrap: string }).bwrap,
        ...args,
        Deno.execPath(),
        "run",
        "--allow-all",
        "--no-config",
        `${root}/code/probe.js`,
        `${root}/secret`,
        port,
      ]);
      const stdout = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.match(stdout, /^secret: REFUSED NotFound$/m);
      assert.match(stdout, /^host_pids: ALLOWED [1-4]$/m);
      assert.match(stdout, /^tcp_host: REFUSED ConnectionRefused$/m);
      assert.match(stdout, /^uid: ALLOWED [1-9]\d*$/m); // never root, not even inside
      assert.match(stdout, /^workspace: ALLOWED/m);
      assert.equal(await Deno.readTextFile(`${root}/workspace/ok.txt`), "ok");
    } finally {
      listener.close();
      await Deno.remove(root, { recursive: true });
    }
  },
});
