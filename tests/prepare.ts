/**
 * `deno task prepare`, run by `deno task test` before the suite: caches what the tests need from
 * the npm registry, so that no test downloads mid-run and a fresh machine (empty `DENO_DIR`)
 * passes the README's test command.
 *
 * 1. The MCP server packages the tests start (pinned, frozen against deno.lock).
 * 2. The npm registry's package metadata a global install of mcpx needs: `deno install -g` sets
 *    up a `node_modules` folder for the installed command and asks the registry for metadata
 *    that `deno install --frozen` does not fetch. One throwaway `mcpx install` into a temporary
 *    root, removed afterwards, fills the cache, so the install test can prove an offline install.
 *
 * @module
 */
import { fromFileUrl } from "./helpers/_node_path.ts";

const PACKAGES = [
  "npm:@modelcontextprotocol/server-everything@2026.8.31",
  "npm:@modelcontextprotocol/server-filesystem@2026.8.31",
  "npm:@modelcontextprotocol/server-memory@2026.8.31",
  "npm:mcp-proxy@6.7.19",
  "npm:@modelcontextprotocol/inspector-cli@1.0.3/build/index.js",
  "npm:@modelcontextprotocol/conformance@0.1.16",
];
const CLI = fromFileUrl(new URL("../cli.ts", import.meta.url));

async function run(what: string, args: string[]): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1) ?? "";
    console.error(`error: deno task prepare: ${what} failed (exit ${output.code}): ${stderr}`);
    Deno.exit(1);
  }
}

await run("caching the MCP server packages", ["cache", "--frozen", "--quiet", ...PACKAGES]);
const root = await Deno.makeTempDir({ prefix: "mcpx_prepare_" });
try {
  await run("a throwaway global install of mcpx", [
    "run",
    "--allow-all",
    "--quiet",
    CLI,
    "--no-daemon",
    "install",
    "--root",
    root,
  ]);
} finally {
  await Deno.remove(root, { recursive: true });
}
