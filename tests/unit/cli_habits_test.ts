import assert from "node:assert/strict";
import { COMMANDS, main } from "../../cli.ts";
import { CLI, ROOT } from "../helpers/paths.ts";
import { whileSlow } from "../../lib/cli/command.ts";

/** Runs `main` in-process and captures what it writes. */
async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    out: (text) => stdout += text,
    err: (text) => stderr += text,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

const NAMES = Object.keys(COMMANDS);

Deno.test("every registered command keeps the CLI habits by construction", async (t) => {
  for (const name of NAMES) {
    const help = (await COMMANDS[name]!.load()).help;
    const expectedHelp = help.endsWith("\n") ? help : `${help}\n`;
    await t.step(`${name}: --help after other (even unknown) options wins`, async () => {
      const r = await run([name, "--no-such-flag", "--json", "--help"]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, expectedHelp);
      assert.equal(r.stderr, "");
    });
    await t.step(
      `${name}: "mcpx help ${name}" and "mcpx --help ${name}" print the same`,
      async () => {
        assert.equal((await run(["help", name])).stdout, expectedHelp);
        assert.equal((await run(["--help", name])).stdout, expectedHelp);
      },
    );
    await t.step(`${name}: a misspelt option is one usage line with did-you-mean`, async () => {
      const r = await run([name, "--conifg", "x.json"]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        /^error: mcpx \S+: unknown option --conifg\. Did you mean "--config"\?/,
      );
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    });
    await t.step(`${name}: under --json a failure is one JSON object on stdout`, async () => {
      for (const argv of [["--json", name, "--conifg=x"], [name, "--conifg=x", "--json"]]) {
        const r = await run(argv);
        assert.equal(r.code, 2);
        assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ["error"]);
        const { error } = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(error), ["code", "message"]);
        assert.equal(error.code, "USAGE");
        assert.match(error.message, /unknown option --conifg/);
        assert.equal(r.stdout.trim().split("\n").length, 1);
      }
    });
  }
});

Deno.test("global options stand before or after the command name", async (t) => {
  const config = `${ROOT}/tests/fixtures/serve/mcp_config.json`;
  const after = await run(["servers", "--config", config, "--json"]);
  assert.equal(after.code, 0, after.stderr);
  for (
    const argv of [["--config", config, "--json", "servers"], [
      "--json",
      "servers",
      "--config",
      config,
    ], ["-v", `--config=${config}`, "servers", "--json"]]
  ) {
    await t.step(argv.join(" "), async () => {
      const r = await run(argv);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, after.stdout);
    });
  }
  await t.step("an unknown global option before the command names the fix", async () => {
    const r = await run(["--jsno", "servers"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: mcpx: unknown global option --jsno\. Did you mean "--json"\?/);
  });
  await t.step(
    "a failure under a global --json keeps its stable code and exit status",
    async () => {
      const r = await run(["--json", "--config", `${ROOT}/no_such_config.json`, "servers"]);
      assert.equal(r.code, 1);
      assert.equal(JSON.parse(r.stdout).error.code, "CONFIG_NOT_FOUND");
    },
  );
});

Deno.test("an unknown command suggests the nearest one", async () => {
  const r = await run(["serv"]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    'error: Unknown command "serv". Did you mean "serve"? Run "mcpx --help" to list commands.\n',
  );
  const unknownHelp = await run(["help", "toolz"]);
  assert.equal(unknownHelp.code, 2);
  assert.match(unknownHelp.stderr, /Did you mean "tools"\?/);
});

Deno.test("exec: --help after the skill path is the skill's, before it mcpx's", async () => {
  const skill = await run(["exec", "skills/fetch.ts", "--help"]);
  assert.equal(skill.code, 0, skill.stderr);
  assert.match(skill.stdout, /^skills\/fetch\.ts\n/);
  const own = await run(["exec", "--help", "skills/fetch.ts"]);
  assert.match(own.stdout, /^mcpx exec: run a skill/);
});

Deno.test("a misspelt skill name suggests the nearest skill", async () => {
  const exec = await run(["exec", "skills/fetc.ts"]);
  assert.equal(exec.code, 1);
  assert.match(exec.stderr, /Did you mean "fetch\.ts"\?/);
  const usage = await run(["skills", "fech"]);
  assert.match(usage.stderr, /Did you mean "fetch"\?/);
});

Deno.test("completions: bash completes commands and a command's options from the registry", async () => {
  const r = await run(["completions", "bash"]);
  assert.equal(r.code, 0);
  const script = await Deno.makeTempFile({ suffix: ".bash" });
  // The script asks "mcpx completions --list …" for server and skill names: an mcpx on PATH.
  const bin = await Deno.makeTempDir({ prefix: "mcpx_bin_" });
  await Deno.writeTextFile(
    `${bin}/mcpx`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run -A --quiet "${CLI}" "$@"\n`,
  );
  await Deno.chmod(`${bin}/mcpx`, 0o755);
  try {
    await Deno.writeTextFile(script, r.stdout);
    const complete = async (...words: string[]) => {
      const out = await new Deno.Command("bash", {
        cwd: ROOT,
        env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
        args: [
          "-c",
          `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); ` +
          `COMP_CWORD=${words.length - 1}; _mcpx; echo "\${COMPREPLY[*]}"`,
        ],
      }).output();
      return new TextDecoder().decode(out.stdout).trim().split(" ");
    };
    assert.deepEqual(await complete("mcpx", "se"), ["servers", "serve"]);
    assert.deepEqual(await complete("mcpx", "--json", "tools", "--sch"), ["--schema"]);
    assert.deepEqual(await complete("mcpx", "call", "x", "--timeout"), ["--timeout-ms"]);
    assert.deepEqual(await complete("mcpx", "tools", "ev"), ["everything"]);
    assert.deepEqual(await complete("mcpx", "--json", "skills", "fe"), ["fetch"]);
  } finally {
    await Deno.remove(script);
    await Deno.remove(bin, { recursive: true });
  }
  for (const shell of ["zsh", "fish"]) {
    const s = await run(["completions", shell]);
    assert.equal(s.code, 0);
    for (const name of NAMES) assert.match(s.stdout, new RegExp(`\\b${name}\\b`));
  }
  const bad = await run(["completions", "bsh"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Did you mean "bash"\?/);
});

Deno.test("a closed pipe ends mcpx quietly with status 0", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", CLI, "completions", "fish"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await child.stdout.cancel(); // the reader goes away before mcpx writes
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  assert.equal(stderr, "");
  assert.equal(status.code, 0);
});

Deno.test("whileSlow() shows progress only on a terminal and only when the work is slow", async () => {
  const said: string[] = [];
  const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(1), 60));
  const err = (text: string) => void said.push(text);
  assert.equal(
    await whileSlow({ err, isTerminal: true }, slow(), { message: "starting…", afterMs: 10 }),
    1,
  );
  assert.deepEqual(said, ["starting…\n"]);
  assert.equal(
    await whileSlow({ err, isTerminal: false }, slow(), { message: "piped", afterMs: 10 }),
    1,
  );
  assert.equal(
    await whileSlow({ err, isTerminal: true }, Promise.resolve(2), {
      message: "fast",
      afterMs: 10,
    }),
    2,
  );
  assert.deepEqual(said, ["starting…\n"]);
});

Deno.test("mcpx servers lists 150,000 servers without overflowing the stack", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcpx_many_servers_" });
  try {
    const servers: Record<string, unknown> = {};
    for (let i = 0; i < 150_000; i++) servers[`s${i}`] = { command: "x" };
    await Deno.writeTextFile(`${dir}/mcp_config.json`, JSON.stringify({ mcpServers: servers }));
    const r = await run(["servers", "--config", `${dir}/mcp_config.json`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split("\n").length, 150_002);
    assert.match(r.stdout, /\ns149999 +stdio +x\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
