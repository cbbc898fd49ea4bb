import assert from "node:assert/strict";
import { runMcpx } from "../helpers/cli.ts";
import { startEverything } from "../helpers/servers.ts";

const ARCHITECTURE = "demo://resource/static/document/architecture.md";

Deno.test("mcpx resources lists and reads server-everything's resources over stdio", async (t) => {
  await t.step("the listing has name, URI, MIME type and description, then templates", async () => {
    const run = await runMcpx(["resources", "everything"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^NAME +URI +MIME +DESCRIPTION\n/);
    assert.match(
      run.stdout,
      /\narchitecture\.md +demo:\/\/resource\/static\/document\/architecture\.md +text\/markdown +Static document file exposed from \/docs: architecture\.md\n/,
    );
    assert.match(
      run.stdout,
      /Templates .*\n.*\nDynamic Text Resource +demo:\/\/resource\/dynamic\/text\/\{resourceId\} +text\/plain/,
    );
  });

  await t.step("reading a text resource prints the text as is", async () => {
    const run = await runMcpx(["resources", "everything", ARCHITECTURE]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# Everything Server – Architecture\n/);
  });

  await t.step("a blob is one summary line; --out writes its decoded bytes", async () => {
    const uri = "demo://resource/dynamic/blob/5";
    const shown = await runMcpx(["resources", "everything", uri]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      /^\[resource demo:\/\/resource\/dynamic\/blob\/5 \(.*, \d+ bytes\)\]; --out FILE writes it\n$/,
    );
    const dir = await Deno.makeTempDir({ prefix: "mcpx_resources_" });
    try {
      const written = await runMcpx(["resources", "everything", uri, "--out", `${dir}/blob.bin`]);
      assert.equal(written.code, 0, written.stderr);
      assert.equal(written.stdout, "");
      const bytes = await Deno.readFile(`${dir}/blob.bin`);
      // The server fabricates the blob from the id and the current time.
      assert.match(
        new TextDecoder().decode(bytes),
        /^Resource 5: This is a base64 blob created at \S.*$/,
      );
      assert.match(
        written.stderr,
        new RegExp(`^wrote ${bytes.length} bytes .* to ${dir}/blob\\.bin\\n$`),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("--json prints the whole listing", async () => {
    const run = await runMcpx(["resources", "everything", "--json"]);
    const listing = JSON.parse(run.stdout);
    assert.ok(listing.resources.some((r: { uri: string }) => r.uri === ARCHITECTURE));
    assert.deepEqual(
      listing.resourceTemplates.map((t: { uriTemplate: string }) => t.uriTemplate).sort(),
      ["demo://resource/dynamic/blob/{resourceId}", "demo://resource/dynamic/text/{resourceId}"],
    );
  });

  await t.step("an unknown URI is one error line with the server's words, exit 1", async () => {
    const run = await runMcpx(["resources", "everything", "demo://nope"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'error: Server "everything" failed resources/read for "demo://nope": Resource ' +
        'demo://nope not found. Run "mcpx resources everything" to list its resources.\n',
    );
  });

  await t.step("a server without resources says so, and refuses a read in one line", async () => {
    const run = await runMcpx(["resources", "filesystem"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Server "filesystem" offers no resources.\n');
    const read = await runMcpx(["resources", "filesystem", "file:///etc/passwd"]);
    assert.equal(read.code, 1);
    assert.equal(
      read.stderr,
      'error: Server "filesystem" offers no resources (it announced: tools); use its tools ' +
        'instead ("mcpx tools filesystem").\n',
    );
  });

  await t.step("server-memory's knowledge graph reads as JSON text", async () => {
    const run = await runMcpx(["resources", "memory", "memory://knowledge-graph", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.contents[0].mimeType, "application/json");
    assert.deepEqual(Object.keys(JSON.parse(result.contents[0].text)), ["entities", "relations"]);
  });
});

Deno.test("mcpx prompts lists and gets server-everything's prompts over stdio", async (t) => {
  await t.step("the listing marks required arguments", async () => {
    const run = await runMcpx(["prompts", "everything"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^NAME +ARGUMENTS +DESCRIPTION\n/);
    assert.match(run.stdout, /\nargs-prompt +city\* state +A prompt with two arguments/);
    assert.match(run.stdout, /\nsimple-prompt +A prompt with no arguments\n/);
  });

  await t.step("getting a prompt fills in its arguments", async () => {
    const run = await runMcpx(["prompts", "everything", "args-prompt", "city=Paris", "state=TX"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\[user\]\nWhat's weather in Paris, TX\?\n$/);
  });

  await t.step("--json prints the whole result", async () => {
    const run = await runMcpx(["prompts", "everything", "args-prompt", "city=Oslo", "--json"]);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(result.messages, [
      { role: "user", content: { type: "text", text: "What's weather in Oslo?" } },
    ]);
  });

  await t.step("missing required arguments are one line naming them, exit 1", async () => {
    const run = await runMcpx(["prompts", "everything", "completable-prompt"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'error: Prompt "completable-prompt" of server "everything" is missing required ' +
        "arguments department, name; pass department=… name=….\n",
    );
  });

  await t.step("an unknown prompt suggests the nearest name", async () => {
    const run = await runMcpx(["prompts", "everything", "args-promt"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^error: Server "everything" has no prompt "args-promt"; did you mean "args-prompt"\?/,
    );
  });
});

Deno.test("resources and prompts over streamable HTTP, as an ad-hoc --http-url server", async (t) => {
  await using server = await startEverything("streamableHttp");
  const url = `http://127.0.0.1:${server.port}/mcp`;

  await t.step("mcpx resources --http-url reads a document", async () => {
    const run = await runMcpx(["resources", "--http-url", url, ARCHITECTURE]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# Everything Server – Architecture\n/);
  });

  await t.step("a template URI with its placeholder filled in reads that resource", async () => {
    const run = await runMcpx(["resources", "--http-url", url, "demo://resource/dynamic/text/42"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Resource 42: This is a plaintext resource/);
  });

  await t.step("mcpx prompts --http-url gets a prompt with an embedded resource", async () => {
    const run = await runMcpx([
      "prompts",
      "--http-url",
      url,
      "resource-prompt",
      "resourceType=Text",
      "resourceId=3",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /This prompt includes the Text resource with id: 3/);
    assert.match(
      run.stdout,
      /\[resource demo:\/\/resource\/dynamic\/text\/3 \(text\/plain, \d+ bytes of text\)\]/,
    );
  });

  await t.step("the ad-hoc server is named after its host in messages", async () => {
    const run = await runMcpx(["prompts", "--http-url", url, "nope"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(`^error: Server "localhost-${server.port}" has no prompt "nope"`),
    );
  });
});
