import assert from "node:assert/strict";
import { z } from "zod";
import { parseSkillArgv } from "../../lib/skills/args.ts";
import { describeFlags, formatFlagsTable, toKebabCase } from "../../lib/skills/flags.ts";
import { SkillError } from "../../lib/errors.ts";

const schema = z.object({
  url: z.string().url().describe("Page to fetch"),
  maxLength: z.number().int().default(5000).describe("Cut after this many characters"),
  ratio: z.number().optional().describe("A fraction"),
  raw: z.boolean().default(false).describe("Print as is"),
  mode: z.enum(["text", "json"]).default("text").describe("Output format"),
  tag: z.array(z.string()).default([]).describe("Tags"),
  count: z.array(z.number().int()).optional().describe("Counts"),
  out: z.string().optional().describe("Output file"),
  filter: z.object({ a: z.number() }).optional().describe("A JSON filter"),
});

function problems(argv: string[]): string[] {
  try {
    parseSkillArgv(schema, argv, { display: "mcpx exec skills/x.ts" });
  } catch (error) {
    assert.ok(error instanceof SkillError);
    assert.equal(error.code, "INVALID_ARGUMENTS");
    const lines = error.message.split("\n");
    assert.equal(lines.at(-1), 'Run "mcpx exec skills/x.ts --help" for its flags.');
    return lines.slice(0, -1);
  }
  assert.fail("expected invalid arguments");
}

function parse(argv: string[]): Record<string, unknown> {
  const parsed = parseSkillArgv(schema, argv);
  assert.ok(!parsed.help);
  return parsed.args;
}

Deno.test("parseSkillArgv() derives kebab-case flags and coerces values", async (t) => {
  await t.step("kebab-case and camelCase names both work", () => {
    assert.equal(parse(["--url", "https://a.example", "--max-length", "7"]).maxLength, 7);
    assert.equal(parse(["--url", "https://a.example", "--maxLength=8"]).maxLength, 8);
  });
  await t.step("defaults apply when a flag is absent", () => {
    assert.deepEqual(parse(["--url", "https://a.example"]), {
      url: "https://a.example",
      maxLength: 5000,
      raw: false,
      mode: "text",
      tag: [],
    });
  });
  await t.step("booleans: --raw, --raw=false, --no-raw", () => {
    assert.equal(parse(["--url", "https://a.example", "--raw"]).raw, true);
    assert.equal(parse(["--url", "https://a.example", "--raw=false"]).raw, false);
    assert.equal(parse(["--url", "https://a.example", "--raw=true"]).raw, true);
    assert.equal(parse(["--url", "https://a.example", "--no-raw"]).raw, false);
  });
  await t.step("numbers, negative values, enums, repeated arrays, JSON objects", () => {
    const args = parse([
      "--url=https://a.example",
      "--ratio",
      "-0.5",
      "--mode",
      "json",
      "--tag",
      "a",
      "--tag",
      "b",
      "--count",
      "1",
      "--count=2",
      "--filter",
      '{"a":1}',
    ]);
    assert.equal(args.ratio, -0.5);
    assert.equal(args.mode, "json");
    assert.deepEqual(args.tag, ["a", "b"]);
    assert.deepEqual(args.count, [1, 2]);
    assert.deepEqual(args.filter, { a: 1 });
  });
  await t.step("values that look like file names are kept intact", () => {
    assert.equal(parse(["--url", "https://a.example", "--out", "x.ts"]).out, "x.ts");
    assert.equal(parse(["--url", "https://a.example", "--out", "run.py"]).out, "run.py");
  });
  await t.step("--help wins over everything, even invalid flags", () => {
    assert.deepEqual(parseSkillArgv(schema, ["--bogus", "--help"]), { help: true });
    assert.deepEqual(parseSkillArgv(schema, ["-h"]), { help: true });
  });
});

Deno.test("parseSkillArgv() reports each problem on one line naming the flag", async (t) => {
  await t.step("an integer that is not one", () => {
    assert.deepEqual(problems(["--url", "https://a.example", "--max-length", "abc"]), [
      '--max-length: expected an integer, got "abc"',
    ]);
  });
  await t.step("an enum value lists the choices", () => {
    assert.deepEqual(problems(["--url", "https://a.example", "--mode", "xml"]), [
      '--mode: expected one of text, json; got "xml"',
    ]);
  });
  await t.step("unknown flags list the known ones", () => {
    const [line] = problems(["--url", "https://a.example", "--colour", "red"]);
    assert.match(line!, /^--colour: unknown flag \(flags: --url, --max-length, /);
  });
  await t.step("a missing required flag quotes its description", () => {
    assert.deepEqual(problems([]), ["--url: required (Page to fetch)"]);
  });
  await t.step("zod's own checks name the flag and the value", () => {
    assert.deepEqual(problems(["--url", "nope"]), ['--url: Invalid URL, got "nope"']);
  });
  await t.step("positionals, missing values, repeats and bad booleans", () => {
    assert.deepEqual(
      problems(["page", "--url", "https://a.example", "--raw=maybe", "--out", "a", "--out", "b"]),
      [
        '"page": unexpected argument; skills take flags only (--name value)',
        '--raw: expected true or false, got "maybe"',
        "--out: given more than once",
      ],
    );
    assert.deepEqual(problems(["--url", "https://a.example", "--ratio"]), [
      "--ratio: expected a value (--ratio VALUE)",
    ]);
  });
});

Deno.test("describeFlags() refuses a field without .describe() and clashing names", () => {
  assert.throws(
    () => describeFlags(z.object({ url: z.string() })),
    (e: unknown) =>
      e instanceof SkillError && e.code === "SKILL_INVALID" && /"url"/.test(e.message),
  );
  assert.throws(
    () => describeFlags(z.object({ a_b: z.string().describe("x"), aB: z.string().describe("y") })),
    /both become --a-b/,
  );
  assert.throws(() => describeFlags(z.string() as never), /not a zod object/);
  // A description inside a wrapper counts too.
  assert.equal(
    describeFlags(z.object({ n: z.number().describe("n").optional() }))[0]?.kind,
    "number",
  );
});

Deno.test("formatFlagsTable() shows name, type, default and description", () => {
  const table = formatFlagsTable(describeFlags(schema));
  assert.match(table, /^Flags:\n/);
  assert.match(table, /\n {2}--url +string +required +Page to fetch\n/);
  assert.match(table, /\n {2}--max-length +integer +default 5000 +Cut after/);
  assert.match(table, /\n {2}--mode +text\|json +default "text" +Output format/);
  assert.match(
    table,
    /\n {2}--tag +string\[\] +default \[\] +Tags \(repeat the flag for several\)/,
  );
  assert.match(table, /Booleans: --raw, --raw=false or --no-raw\.\n$/);
});

Deno.test("toKebabCase() turns camelCase and snake_case into flag names", () => {
  assert.equal(toKebabCase("maxLength"), "max-length");
  assert.equal(toKebabCase("max_length"), "max-length");
  assert.equal(toKebabCase("url"), "url");
});
