import assert from "node:assert/strict";
import {
  adhocServer,
  nameFromCommand,
  nameFromUrl,
  splitCommandLine,
  takeServer,
  withAdhocServer,
} from "../../lib/cli/adhoc.ts";
import { UsageError } from "../../lib/errors.ts";
import { testConfig } from "../helpers/servers.ts";

Deno.test("splitCommandLine() splits like a shell, without expanding anything", () => {
  const cases: [string, string[]][] = [
    ["npx -y pkg", ["npx", "-y", "pkg"]],
    ["  a   b  ", ["a", "b"]],
    [`a "b c" 'd e'`, ["a", "b c", "d e"]],
    [`a "it's" 'say "hi"'`, ["a", "it's", 'say "hi"']],
    [`a "x\\"y" 'x\\y'`, ["a", 'x"y', "x\\y"]],
    [`a b\\ c`, ["a", "b c"]],
    [`a "" ''`, ["a", "", ""]],
    [`a $HOME ~ *`, ["a", "$HOME", "~", "*"]],
    [`pre"mid"post`, ["premidpost"]],
  ];
  for (const [line, words] of cases) assert.deepEqual(splitCommandLine(line), words, line);
  assert.throws(() => splitCommandLine(`a "b`), /unterminated " quote/);
  assert.throws(() => splitCommandLine(`a 'b`), /unterminated ' quote/);
});

Deno.test("ad-hoc names derive from the package a launcher runs, or the command, or the host", () => {
  const commands: [string[], string][] = [
    [["npx", "-y", "@modelcontextprotocol/server-everything"], "server-everything"],
    [["deno", "run", "-A", "npm:@modelcontextprotocol/server-memory@2026.8.31"], "server-memory"],
    [["uvx", "mcp-server-git", "--repository", "."], "mcp-server-git"],
    [["node", "/opt/servers/build/index.js"], "index"],
    [["python3", "-m", "my_server"], "my_server"],
    [["/usr/local/bin/My Server"], "my-server"],
    [["docker", "run", "-i", "--rm", "ghcr.io/github/github-mcp-server"], "github-mcp-server"],
    [["npx"], "npx"],
  ];
  for (const [words, name] of commands) assert.equal(nameFromCommand(words), name, words.join(" "));
  const urls: [string, string][] = [
    ["https://mcp.linear.app/sse", "linear"],
    ["https://api.githubcopilot.com/mcp/", "githubcopilot"],
    ["https://www.example.co/mcp", "example"],
    ["http://127.0.0.1:3001/mcp", "localhost-3001"],
    ["http://localhost/mcp", "localhost"],
    ["http://[::1]:8080/mcp", "localhost-8080"],
  ];
  for (const [url, name] of urls) assert.equal(nameFromUrl(new URL(url)), name, url);
});

Deno.test("adhocServer() builds a server entry or refuses contradictory options", async (t) => {
  const io = { cwd: "/work/project" };
  await t.step("none given: undefined", () => {
    assert.equal(adhocServer({}, io), undefined);
  });
  await t.step("--stdio with --env and --cwd", () => {
    const server = adhocServer({
      stdio: `deno run -A "my server.ts"`,
      env: ["A=1", "B=x=y"],
      cwd: "sub",
    }, io);
    assert.deepEqual(server, {
      name: "my-server",
      type: "stdio",
      command: "deno",
      args: ["run", "-A", "my server.ts"],
      env: { A: "1", B: "x=y" },
      cwd: "/work/project/sub",
      disabled: false,
      timeoutMs: 60_000,
      normalize: "none",
    });
  });
  await t.step("--http-url with headers and a name", () => {
    const server = adhocServer({
      "http-url": "https://mcp.example.com/mcp",
      header: ["Authorization=Bearer a=b"],
      name: "ex",
    }, io);
    assert.equal(server?.type, "http");
    assert.equal(server?.name, "ex");
    assert.deepEqual(server?.type === "http" ? server.headers : {}, {
      Authorization: "Bearer a=b",
    });
  });
  await t.step("--sse-url", () => {
    assert.equal(adhocServer({ "sse-url": "http://127.0.0.1:9/sse" }, io)?.type, "sse");
  });
  const refused: [Parameters<typeof adhocServer>[0], RegExp][] = [
    [{ stdio: "a", "sse-url": "http://x/" }, /Give one ad-hoc server: --stdio or --sse-url/],
    [{ stdio: "   " }, /--stdio needs a command/],
    [{ "http-url": "not a url" }, /--http-url needs an absolute http\(s\) URL/],
    [{ "http-url": "http://x/", cwd: "d" }, /--cwd is for --stdio servers/],
    [{ header: ["K=V"] }, /--header describes an ad-hoc server/],
    [{ name: "x" }, /--name describes an ad-hoc server/],
    [{ stdio: "a", header: ["K=V"] }, /--header is for --http-url/],
    [{ stdio: "a", env: ["=v"] }, /--env expects KEY=VALUE, got "=v"/],
    [{ stdio: "a", name: "" }, /--name must be letters/],
    [{ stdio: "a", name: "x y" }, /--name must be letters/],
  ];
  for (const [values, message] of refused) {
    await t.step(`refuses ${JSON.stringify(values)}`, () => {
      assert.throws(() => adhocServer(values, io), (error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("withAdhocServer() adds in memory and refuses a configured name; takeServer() takes it", () => {
  const config = testConfig();
  const server = adhocServer({ stdio: "srv" }, { cwd: "/" })!;
  const added = withAdhocServer(config, server);
  assert.equal(added.servers.srv, server);
  assert.deepEqual(Object.keys(config.servers), [], "the loaded config is not changed");
  assert.throws(() => withAdhocServer(added, server), /"srv" is already configured/);

  const words = ["srv", "echo"];
  assert.equal(takeServer(words, server, "call"), "srv");
  assert.deepEqual(words, ["echo"]);
  const other = ["echo"];
  assert.equal(takeServer(other, server, "call"), "srv");
  assert.deepEqual(other, ["echo"]);
  assert.throws(() => takeServer([], undefined, "tools"), /mcpx tools needs a server name/);
});
