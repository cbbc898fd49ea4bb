/**
 * Warm runs in `mcpx daemon`: a repeated fast-tier run finds its sandbox started ahead, yet every
 * run still gets a process of its own, its own arguments, the current code and its whole time
 * limit; sandboxes waiting for a run die with the daemon, its config change and its stop.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliRun, runMcpx } from "../helpers/cli.ts";
import { everythingServer } from "../helpers/daemon.ts";
import { processesNaming } from "../helpers/processes.ts";

/** A project with the everything server, a skill that reports on its process, and a daemon
 * directory of its own. */
async function project(config: { daemon?: object; sandbox?: object } = {}) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "mcpx-warm-test-" }));
  const configFile = join(dir, "mcp_config.json");
  const write = (daemon: object) =>
    Deno.writeTextFile(
      configFile,
      JSON.stringify({
        mcpServers: {
          everything: everythingServer(),
        },
        daemon: { idle_timeout: 120, ...daemon },
        ...(config.sandbox === undefined ? {} : { sandbox: config.sandbox }),
      }),
    );
  await write(config.daemon ?? {});
  await Deno.mkdir(join(dir, "skills"));
  await Deno.writeTextFile(join(dir, "skills", "report.ts"), skill("v1"));
  const env = { MCPX_DAEMON_DIR: join(dir, "d") };
  const mcpx = (args: string[]): Promise<CliRun> => runMcpx(args, { cwd: dir, env });
  return {
    dir,
    mcpx,
    /** Rewrites the config's `daemon` section (the daemon reloads it). */
    rewrite: write,
    /** Host pids of sandboxes of this project waiting for their run. */
    waiting: () =>
      processesNaming(dir).filter((pid) => {
        try {
          return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("--args-on-stdin");
        } catch {
          return false;
        }
      }),
    async [Symbol.asyncDispose]() {
      await mcpx(["daemon", "stop"]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A skill that says which version of its code ran, in which process, and with what. */
function skill(version: string, sleepMs = 0): string {
  return `import { z } from "zod";
import { defineSkill } from "mcpx/skill";

export default defineSkill({
  args: z.object({ word: z.string().describe("the word to echo") }),
  servers: ["everything"],
  async run(args, ctx) {
    const g = globalThis as { runs?: number };
    g.runs = (g.runs ?? 0) + 1;
    await new Promise((resolve) => setTimeout(resolve, ${sleepMs}));
    const echo = await ctx.callTool("everything", "echo", { message: args.word });
    console.log(JSON.stringify({
      version: "${version}",
      word: args.word,
      runs: g.runs,
      echo: echo.content[0].text,
      started: performance.timeOrigin,
    }));
  },
});
`;
}

async function until(check: () => boolean, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

interface Report {
  version: string;
  word: string;
  runs: number;
  echo: string;
  started: number;
}

async function report(
  mcpx: (args: string[]) => Promise<CliRun>,
  word: string,
): Promise<{ report: Report; asked: number }> {
  const asked = Date.now();
  const run = await mcpx(["exec", "skills/report.ts", "--word", word]);
  assert.equal(run.code, 0, run.stderr);
  return { report: JSON.parse(run.stdout), asked };
}

Deno.test("warm runs: a repeated run finds its sandbox started, with its own arguments, process and state", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  const first = await report(p.mcpx, "one");
  assert.deepEqual([first.report.word, first.report.echo], ["one", "Echo: one"]);
  assert.ok(await until(() => p.waiting().length > 0), "no sandbox was started ahead");
  const ahead = p.waiting();
  const status = JSON.parse((await p.mcpx(["daemon", "status", "--json"])).stdout);
  assert.equal(status.warmSandboxes, 1);
  assert.match((await p.mcpx(["daemon", "status"])).stdout, /^sandboxes started ahead: 1$/m);
  for (const word of ["two", "three"]) {
    // Loaded and waiting (its process time starts before the wait ends).
    assert.ok(await until(() => p.waiting().length > 0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await report(p.mcpx, word);
    // Started before the command was even asked for: the sandbox started ahead ran it.
    assert.ok(next.report.started < next.asked, `${next.report.started} >= ${next.asked}`);
    // With this run's arguments, through this run's bridge, in a process no run used before.
    assert.deepEqual(
      [next.report.word, next.report.echo, next.report.runs],
      [word, `Echo: ${word}`, 1],
    );
  }
  // The sandboxes that ran are gone; new ones wait for the next run.
  assert.ok(await until(() => ahead.every((pid) => !p.waiting().includes(pid))));
  assert.ok(await until(() => p.waiting().length > 0));
  assert.equal((await p.mcpx(["daemon", "stop"])).code, 0);
  assert.deepEqual(p.waiting(), []);
});

Deno.test("warm runs: a changed skill file never runs in a sandbox started for the old one", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  await report(p.mcpx, "one");
  assert.ok(await until(() => p.waiting().length > 0));
  await Deno.writeTextFile(join(p.dir, "skills", "report.ts"), skill("v2"));
  const changed = await report(p.mcpx, "two");
  assert.equal(changed.report.version, "v2");
  assert.ok(changed.report.started >= changed.asked, "the old code's sandbox ran the new code");
  // The next run of the new code is warm again.
  assert.ok(await until(() => p.waiting().length > 0));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const again = await report(p.mcpx, "three");
  assert.deepEqual([again.report.version, again.report.started < again.asked], ["v2", true]);
});

Deno.test("warm runs: a run's time limit counts from its start, not from its sandbox's", async () => {
  // A 2 s limit; the sandbox waits 3 s, then the run takes 1.2 s of it.
  await using p = await project({ sandbox: { timeout: 2 } });
  await Deno.writeTextFile(join(p.dir, "skills", "report.ts"), skill("slow", 1200));
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  await report(p.mcpx, "one");
  assert.ok(await until(() => p.waiting().length > 0));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const late = await report(p.mcpx, "two");
  assert.deepEqual([late.report.word, late.report.started < late.asked], ["two", true]);
});

Deno.test("warm runs: the arguments of a run never show in the process list", async () => {
  await using p = await project();
  await Deno.writeTextFile(join(p.dir, "skills", "report.ts"), skill("slow", 1500));
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  for (const word of ["secret-7d1f2a", "secret-9c4e8b"]) {
    const run = p.mcpx(["exec", "skills/report.ts", "--word", word]);
    // While the run sleeps: only this test's own client names the word.
    assert.ok(await until(() => p.waiting().length > 0 || processesNaming(word).length > 1));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const naming = processesNaming(word).map((pid) =>
      Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ")
    );
    assert.ok(naming.every((cmd) => cmd.includes("cli.ts")), `named by ${naming.join("; ")}`);
    assert.equal((await run).code, 0);
  }
});

Deno.test("warm runs: daemon.warm_runs 0 starts nothing ahead; a config change drops what waits", async () => {
  await using p = await project({ daemon: { warm_runs: 0 } });
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  await report(p.mcpx, "one");
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(p.waiting(), []);
  await p.rewrite({ warm_runs: 1 });
  await new Promise((resolve) => setTimeout(resolve, 600)); // the daemon's reload
  await report(p.mcpx, "two");
  assert.ok(await until(() => p.waiting().length > 0));
  await p.rewrite({ warm_runs: 0 });
  assert.ok(await until(() => p.waiting().length === 0), `still waiting: ${p.waiting()}`);
});

Deno.test("warm runs: sandboxes waiting for a run die with a daemon killed by SIGKILL", async () => {
  await using p = await project();
  assert.equal((await p.mcpx(["daemon", "start"])).code, 0);
  await report(p.mcpx, "one");
  assert.ok(await until(() => p.waiting().length > 0));
  const status = JSON.parse((await p.mcpx(["daemon", "status", "--json"])).stdout);
  Deno.kill(status.pid, "SIGKILL");
  assert.ok(await until(() => p.waiting().length === 0), `left: ${p.waiting()}`);
  const left = () => [...Deno.readDirSync(join(p.dir, "d"))].map((entry) => entry.name);
  assert.ok(await until(() => left().length === 0), `left in the daemon directory: ${left()}`);
});
