/**
 * A walk through every command line in README.md, docs/ and skills/README.md: each `mcpx …` or
 * `deno task …` names a command (or task) that exists, and every option it shows is one that
 * command accepts, so the docs cannot promise a command or flag the CLI does not have.
 */
import assert from "node:assert/strict";
import { COMMANDS, main } from "../../cli.ts";
import { commandFlags } from "../../lib/cli/command.ts";
import { ROOT } from "../helpers/paths.ts";

const PAGES = [
  "README.md",
  "skills/README.md",
  ...[...Deno.readDirSync(`${ROOT}/docs`)].filter((e) => e.name.endsWith(".md")).map((e) =>
    `docs/${e.name}`
  ),
];

const TASKS = Object.keys(
  (JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)) as { tasks: Record<string, string> })
    .tasks,
);

/** Command lines on a page: inline code spans, and lines of fenced code blocks. */
function commandLines(markdown: string): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.trimStart().startsWith("```")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      const text = line.trim().replace(/^\$ /, "");
      if (/^(mcpx|deno task) /.test(text)) found.push(text);
      continue;
    }
    for (const span of line.matchAll(/`((?:mcpx|deno task) [^`]*)`/g)) found.push(span[1]!);
  }
  return found.map((text) =>
    text.replace(/\s+#.*$/, "").split(/ \| | > /)[0]!.replaceAll("\\|", "|").trim()
  );
}

/** The words of a command line, without the brackets of optional parts. */
function words(line: string): string[] {
  return line.split(/\s+/).map((w) => w.replace(/^\[+|\]+$/g, "")).filter((w) => w !== "");
}

/** `["mcpx", …]` words for a line, or `undefined` for a task that is not an mcpx command. */
function asMcpx(line: string): string[] | undefined {
  const all = words(line);
  if (all[0] === "mcpx") return all.slice(1);
  const [task = "", ...rest] = all.slice(2); // deno task <task> …
  if (/^[<[…]/.test(task)) return undefined; // a placeholder: "deno task …"
  assert.ok(TASKS.includes(task), `"${line}": deno.json has no task "${task}"`);
  if (task === "mcpx") return rest;
  return task in COMMANDS ? [task, ...rest] : undefined;
}

const GLOBAL_WITH_VALUE = new Set(["--config"]);

Deno.test("every command and option the docs show exists", async (t) => {
  let checked = 0;
  for (const page of PAGES) {
    const lines = commandLines(await Deno.readTextFile(`${ROOT}/${page}`));
    await t.step(`${page} (${lines.length} command lines)`, async () => {
      for (const line of lines) {
        const argv = asMcpx(line);
        if (argv === undefined) continue;
        let at = 0;
        while (argv[at]?.startsWith("-")) at += GLOBAL_WITH_VALUE.has(argv[at]!) ? 2 : 1;
        const name = argv[at];
        if (name === undefined || /^[<[A-Z…]/.test(name) || name === "help") continue;
        const entry = COMMANDS[name];
        assert.ok(entry !== undefined, `${page}: "${line}": no command "${name}"`);
        const command = await entry.load();
        const rest = argv.slice(at + 1);
        const end = command.ownArgvEnd?.(rest) ?? rest.indexOf("--");
        const own = end === -1 ? rest : rest.slice(0, end);
        const accepted = commandFlags(command);
        for (const word of [...argv.slice(0, at), ...own]) {
          if (!word.startsWith("--")) continue;
          const flag = word.split("=")[0]!;
          assert.ok(accepted.includes(flag), `${page}: "${line}": ${name} has no option ${flag}`);
        }
        checked++;
      }
    });
  }
  assert.ok(checked > 40, `the walk checked ${checked} command lines`);
});

Deno.test("every command's --help, as the docs tell users to ask for it, works", async () => {
  for (const name of Object.keys(COMMANDS)) {
    let out = "";
    const code = await main(["help", name], {
      out: (text) => out += text,
      err: () => {},
      cwd: ROOT,
      env: {},
      signal: new AbortController().signal,
    });
    assert.equal(code, 0);
    assert.match(out, new RegExp(`mcpx ${name}`), `the help of ${name} names it`);
  }
});
