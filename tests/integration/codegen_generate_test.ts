import assert from "node:assert/strict";
import { join } from "node:path";
import { McpClientManager } from "../../lib/client/manager.ts";
import { generateWrappers } from "../../lib/codegen/generate.ts";
import { CLI } from "../helpers/paths.ts";
import { assertGolden } from "../fixtures/codegen/helpers.ts";
import { deno, makeProject } from "../fixtures/codegen/project.ts";

Deno.test("generate writes wrappers for real servers that check, lint and run", async (t) => {
  const dir = await makeProject();
  const manager = new McpClientManager({ cwd: dir });
  try {
    await manager.initialize();
    const progress: string[] = [];
    const report = await generateWrappers(manager.config, manager, {
      onProgress: (p) => progress.push(`${p.server}:${p.state}`),
    });
    const outDir = join(dir, "servers");

    await t.step("every server is listed and reported", () => {
      assert.deepEqual(Object.keys(report.failed), [], String(Object.values(report.failed)[0]));
      for (const server of ["everything", "filesystem", "memory", "nasty"]) {
        assert.ok((report.listed[server] ?? 0) > 0, `${server} has tools`);
        assert.ok(progress.includes(`${server}:connecting`));
        assert.ok(progress.includes(`${server}:listed`));
        assert.ok(progress.includes(`${server}:written`));
      }
    });

    await t.step("the output matches the golden files", async () => {
      const mask = (text: string) => text.replaceAll(dir, "<PROJECT>");
      for (const rel of report.written) {
        if (rel.startsWith("nasty/") || /(tools|resources)\.json$/.test(rel)) continue;
        await assertGolden(`real/${rel}`, await Deno.readTextFile(join(outDir, rel)), mask);
      }
    });

    await t.step("deno check and deno lint pass on the output", async () => {
      for (const args of [["check", "servers/"], ["lint", "servers/"]]) {
        const result = await deno(dir, args);
        assert.equal(result.code, 0, `deno ${args[0]}:\n${result.stderr}`);
      }
    });

    await t.step("resources.ts is written only for servers that list resources", async () => {
      assert.ok(report.written.includes("everything/resources.ts"));
      assert.ok(report.written.includes("memory/resources.ts"));
      assert.ok(!report.written.includes("filesystem/resources.ts"));
      const saved = JSON.parse(await Deno.readTextFile(join(outDir, "everything/resources.json")));
      assert.ok(saved.some((r: { uri: string }) => r.uri.endsWith("/architecture.md")));
    });

    await t.step("typed resource helpers read real resources in-process", async () => {
      const script = join(dir, "read_docs.ts");
      await Deno.writeTextFile(
        script,
        `import { listResources, readResource, readResourceText, RESOURCES, type ResourceUri } from "./servers/everything/resources.ts";
const uri: ResourceUri = "demo://resource/static/document/features.md";
export async function run(): Promise<{ listed: number; known: number; text: string; blob: string | undefined }> {
  const listed = (await listResources()).length;
  const text = await readResourceText(uri);
  const blob = (await readResource("demo://resource/dynamic/blob/3")).contents[0]?.blob;
  return { listed, known: RESOURCES.length, text, blob };
}
`,
      );
      const checked = await deno(dir, ["check", "read_docs.ts"]);
      assert.equal(checked.code, 0, checked.stderr);
      const wrongUri = join(dir, "wrong_uri.ts");
      await Deno.writeTextFile(
        wrongUri,
        `import type { ResourceUri } from "./servers/everything/resources.ts";
export const uri: ResourceUri = "demo://not/listed";
`,
      );
      const refused = await deno(dir, ["check", "wrong_uri.ts"]);
      assert.notEqual(refused.code, 0, "an unlisted URI is not a ResourceUri");
      const undo = manager.install();
      try {
        const { run } = await import(script);
        const result = await run();
        assert.equal(result.listed, result.known);
        assert.match(result.text, /^# Everything Server - Features/);
        assert.match(atob(result.blob ?? ""), /3/);
      } finally {
        undo();
      }
    });

    await t.step("a second run changes nothing and --check finds it up to date", async () => {
      const again = await generateWrappers(manager.config, manager, { check: true });
      assert.deepEqual([again.written, again.removed], [[], []]);
    });

    await t.step("a skill importing wrappers runs in-process with typed results", async () => {
      const skill = join(dir, "skill.ts");
      await Deno.writeTextFile(
        skill,
        `import { getStructuredContent, getSum } from "./servers/everything/index.ts";
import { readTextFile } from "./servers/filesystem/index.ts";
export async function run(): Promise<{ celsius: number; sum: unknown; text: unknown }> {
  const weather = await getStructuredContent({ location: "Chicago" });
  const celsius: number = weather.temperature;
  const sum = await getSum({ a: 2, b: 3 });
  const text = await readTextFile({ path: ${JSON.stringify(join(dir, "workspace", "hello.txt"))} });
  return { celsius, sum, text };
}
`,
      );
      const checked = await deno(dir, ["check", "skill.ts"]);
      assert.equal(checked.code, 0, checked.stderr);
      const undo = manager.install();
      try {
        const { run } = await import(skill);
        const result = await run();
        assert.equal(typeof result.celsius, "number");
        assert.match(String(result.sum), /5/);
        assert.deepEqual(result.text, { content: "hello\n" });
      } finally {
        undo();
      }
    });

    await t.step("files of tools that disappeared are removed; --check names them", async () => {
      const saved = join(outDir, "nasty", "tools.json");
      const tools = JSON.parse(await Deno.readTextFile(saved)) as { name: string }[];
      const fewer = tools.filter((tool) => tool.name !== "big");
      await Deno.writeTextFile(saved, JSON.stringify(fewer));
      const check = await generateWrappers(manager.config, manager, {
        servers: ["nasty"],
        offline: true,
        check: true,
      });
      assert.ok(check.removed.includes("nasty/big.ts"));
      assert.ok(check.written.includes("nasty/tools.json"));
      await generateWrappers(manager.config, manager, { servers: ["nasty"], offline: true });
      await assert.rejects(Deno.stat(join(outDir, "nasty", "big.ts")), Deno.errors.NotFound);
      const index = await Deno.readTextFile(join(outDir, "INDEX.md"));
      assert.doesNotMatch(index, /nasty\/big\.ts/);
      assert.match(index, /everything\/get_sum\.ts/, "servers not regenerated stay in the index");
    });
  } finally {
    await manager.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mcpx generate reports each server and exits 1 when one fails", async () => {
  const dir = await makeProject(["nasty"], { broken: { command: "mcpx-no-such-command-xyz" } });
  try {
    const result = await deno(dir, ["run", "-A", CLI, "generate"]);
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /connecting/, "progress only on a terminal");
    assert.match(result.stderr, /nasty: 11 tool\(s\)/);
    assert.match(result.stderr, /nasty: written \(14 file\(s\) changed\)/);
    assert.match(result.stderr, /broken: failed: /);
    assert.match(result.stderr, /error: Could not generate wrappers for broken/);
    await Deno.stat(join(dir, "servers", "nasty", "kitchen_sink.ts"));
    const check = await deno(dir, ["run", "-A", CLI, "generate", "nasty", "--check"]);
    assert.equal(check.code, 0, check.stderr);
    const offline = await deno(dir, ["run", "-A", CLI, "generate", "nasty", "--offline"]);
    assert.equal(offline.code, 0, offline.stderr);
    assert.doesNotMatch(offline.stderr, /connecting/, "--offline connects to nothing");
    // Under --json stdout is one object in a fixed key order; the failure rides in it.
    const json = await deno(dir, ["run", "-A", CLI, "generate", "--json"]);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(report), [
      "outDir",
      "listed",
      "failed",
      "written",
      "removed",
      "unchanged",
      "error",
    ]);
    assert.equal(report.error.code, "CONNECT_FAILED");
    await Deno.writeTextFile(join(dir, "servers", "nasty", "z.ts"), "// edited\n");
    const stale = await deno(dir, ["run", "-A", CLI, "generate", "nasty", "--check"]);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /stale: nasty\/z\.ts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mcpx generate and discover refuse bad usage with exit status 2", async () => {
  const dir = await makeProject(["nasty"]);
  try {
    for (
      const args of [["generate", "--bogus"], ["discover", "--draft", "--verify"], [
        "discover",
        "--timeout",
        "soon",
      ]]
    ) {
      const result = await deno(dir, ["run", "-A", CLI, ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /^error: mcpx (generate|discover)/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
