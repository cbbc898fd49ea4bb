/**
 * The translation layer of `mcpx serve` (`lib/serve/_agent_text.ts`): every message mcpx writes
 * for a person at a terminal, as an agent reads it.
 */
import assert from "node:assert/strict";
import { dirname, fromFileUrl } from "../helpers/_node_path.ts";
import { McpxError, SkillError } from "../../lib/errors.ts";
import { agentError, agentText, maskPaths, stripAnsi } from "../../lib/serve/_agent_text.ts";

const ROOT = "/srv/project";
const MCPX = dirname(dirname(dirname(fromFileUrl(import.meta.url))));

Deno.test("stripAnsi() removes colours, cursor moves and hyperlinks", () => {
  assert.equal(
    stripAnsi(
      "\x1b[31merror\x1b[0m \x1b[1;4mx\x1b[22m\x1b[2K \x1b]8;;http://a\x07link\x1b]8;;\x07",
    ),
    "error x link",
  );
});

Deno.test("maskPaths() shows project paths relative, mcpx's own as mcpx/, home as ~", () => {
  const home = Deno.env.get("HOME") ?? "/root";
  assert.equal(
    maskPaths(
      `file://${ROOT}/skills/add.ts:3 ${ROOT}/workspace/out.txt ${ROOT} ` +
        `${MCPX}/lib/skills/define.ts ${home}/.cache/deno ` +
        `at (file:///tmp/mcpx-snippet-0123abcd/snippet.ts:4:2)`,
      ROOT,
    ),
    "skills/add.ts:3 workspace/out.txt . mcpx/lib/skills/define.ts ~/.cache/deno at (<code>:4:2)",
  );
  assert.equal(maskPaths("/etc/passwd and /tmp/x", "/"), "/etc/passwd and /tmp/x");
  assert.equal(maskPaths(`${ROOT}-other/x`, ROOT), `${ROOT}-other/x`);
});

Deno.test("agentText() turns CLI advice into what the agent or the operator can do", async (t) => {
  const cases: [string, string, string][] = [
    [
      "the skill's help command",
      `--a: required (First number)\nRun "mcpx exec ${ROOT}/skills/add.ts --help" for its flags.`,
      '"a": required (First number)\nCall get_skill to see its arguments.',
    ],
    [
      "a private address needing --allow-net",
      'Refusing net access to "10.0.0.5:80" (private): private and local addresses are only ' +
      "reachable when you pass --allow-net 10.0.0.5:80 to mcpx exec yourself.",
      'Refusing net access to "10.0.0.5:80" (private): private and local addresses are only ' +
      'reachable when the operator lists "10.0.0.5:80" in serve.allow_net in mcp_config.json.',
    ],
    [
      "Deno's own net refusal",
      'NotCapable: Requires net access to "example.com:443", run again with the --allow-net flag',
      'NotCapable: Requires net access to "example.com:443", the operator can grant hosts to ' +
      'serve runs with "serve": {"allow_net": [...]} in mcp_config.json',
    ],
    [
      "Deno's own env refusal",
      'Requires env access to "TOKEN", run again with the --allow-env flag',
      'Requires env access to "TOKEN", runs started through serve cannot be granted that',
    ],
    [
      "a path outside the workspace",
      `--save: "../x" resolves to /srv/x, outside the workspace ${ROOT}/workspace; use a path ` +
      "inside it, or widen with mcpx exec --allow-write=<dir> before the skill path.",
      '"save": "../x" resolves to /srv/x, outside the workspace workspace; use a path inside it.',
    ],
    [
      "a server the skill may not call",
      'Server "git" is not allowed for this run (allowed: none). Add "git" to the skill\'s ' +
      "servers, or pass --servers git.",
      'Server "git" is not allowed for this run (allowed: none). Only the servers the skill ' +
      "declares may be called.",
    ],
    [
      "a skill whose imports are not cached",
      `Cannot load ${ROOT}/skills/x.ts without permissions (x); run "deno cache skills/x.ts" ` +
      "once to download its imports.",
      'Cannot load skills/x.ts without permissions (x); the operator runs "deno cache ' +
      'skills/x.ts" once to download its imports.',
    ],
    [
      "a podman failure",
      'podman could not run the container (exit 125): x. Run "mcpx doctor" to see what this ' +
      "host supports.",
      'podman could not run the container (exit 125): x. The operator can run "mcpx doctor" to ' +
      "see what this host supports.",
    ],
    [
      "a broken bridge",
      "The call to git.status failed: closed. Rerun the skill; if this keeps happening, run " +
      "mcpx with --verbose.",
      "The call to git.status failed: closed. Try again.",
    ],
  ];
  const context = { root: ROOT, skill: { name: "add", fields: ["a", "save"] } };
  for (const [name, text, expected] of cases) {
    await t.step(name, () => assert.equal(agentText(text, context), expected));
  }
});

Deno.test("agentText() tells execute_code to name a server it may not call", () => {
  assert.equal(
    agentText(
      'Server "git" is not allowed for this run (allowed: none). Add "git" to the skill\'s ' +
        "servers, or pass --servers git.",
      { root: ROOT, code: true },
    ),
    'Server "git" is not allowed for this run (allowed: none). Name "git" in execute_code\'s servers.',
  );
});

Deno.test("agentText() maps only the skill's own flags to JSON keys", () => {
  const context = { root: ROOT, skill: { name: "fetch", fields: ["maxLength", "raw"] } };
  assert.equal(
    agentText("--max-length: expected an integer; --no-raw; --other", context),
    '"maxLength": expected an integer; "raw"; --other',
  );
  assert.equal(agentText("--max-length", { root: ROOT }), "--max-length");
});

Deno.test("agentError() keeps the stable code in front", () => {
  assert.equal(
    agentError(new SkillError("SKILL_INVALID", `Cannot read ${ROOT}/skills/x.ts`), { root: ROOT }),
    "SKILL_INVALID: Cannot read skills/x.ts",
  );
  assert.equal(
    agentError(new McpxError("INTERNAL", "\x1b[31mboom\x1b[0m"), { root: ROOT }),
    "INTERNAL: boom",
  );
  assert.equal(agentError(new Error("plain"), { root: ROOT }), "plain");
});
