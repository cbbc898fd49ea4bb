/**
 * `mcpx install`: installs `mcpx` as a global command with `deno install -g`, pinned to this
 * checkout's `deno.json` (import map) and `deno.lock`, with explicit permissions instead of `-A`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, COMMON_HELP, defineCommand } from "./command.ts";
import { McpxError } from "../errors.ts";

/**
 * The permissions the installed `mcpx` runs with. The harness is trusted by design: it reads the
 * config and skills, writes generated wrappers and the workspace, connects to HTTP MCP servers,
 * reads the environment for `${env:VAR}`, spawns MCP servers and sandboxes, and asks the OS for
 * facts `mcpx doctor` reports. `--no-prompt` makes a missing permission an error, never a prompt.
 */
export const INSTALL_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--no-prompt",
];

/** Options of {@linkcode installArgs}. */
export interface InstallArgsOptions {
  /** Installation root passed to `deno install --root` (the command lands in `<root>/bin`). */
  root?: string;
  /**
   * Name of the installed command.
   *
   * @default {"mcpx"}
   */
  name?: string;
}

/**
 * The arguments after `deno` that install the checkout at `repoDir` globally.
 *
 * @example
 * ```ts
 * import { installArgs } from "./install.ts";
 * const args = installArgs("/src/mcpx", { root: "/opt/mcpx" });
 * console.assert(args.join(" ").startsWith("install -g --force --name mcpx --config /src/mcpx/deno.json"));
 * console.assert(args.at(-1) === "/src/mcpx/cli.ts");
 * ```
 */
export function installArgs(repoDir: string, options: InstallArgsOptions = {}): string[] {
  return [
    "install",
    "-g",
    "--force",
    "--name",
    options.name ?? "mcpx",
    "--config",
    join(repoDir, "deno.json"),
    ...(options.root === undefined ? [] : ["--root", options.root]),
    ...INSTALL_PERMISSIONS,
    join(repoDir, "cli.ts"),
  ];
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function repoDir(): string {
  const url = new URL("../../", import.meta.url);
  if (url.protocol !== "file:") {
    throw new McpxError(
      "INTERNAL",
      `mcpx install needs a local checkout, but mcpx runs from ${url.href} (clone the repository and run "deno task install" in it)`,
    );
  }
  return fileURLToPath(url).replace(/\/$/, "");
}

const HELP = `mcpx install: install mcpx as a global command (deno install -g)

Usage: mcpx install [--root DIR] [--dry-run]
       deno task install [--root DIR] [--dry-run]

Runs "deno install -g --force --name mcpx --config <repo>/deno.json" on <repo>/cli.ts with
explicit permissions (--allow-read --allow-write --allow-net --allow-env --allow-run --allow-sys
--no-prompt). Deno copies deno.json and deno.lock next to the installed command, so rerun this
after they change.

Options:
  --root DIR   install into DIR/bin (default: $DENO_INSTALL_ROOT, else ~/.deno)
  --dry-run    print the deno command instead of running it
${COMMON_HELP}`;

/** The `install` command. */
export const command: Command = defineCommand({
  name: "install",
  summary: "install mcpx as a global command (deno install -g)",
  help: HELP,
  options: {
    root: { type: "string" },
    "dry-run": { type: "boolean" },
  },
  maxPositionals: 0,
  async run({ values }, io) {
    const root = values.root === undefined ? undefined : resolve(io.cwd, values.root);
    const args = installArgs(repoDir(), root === undefined ? {} : { root });
    if (values["dry-run"]) {
      io.out(`${[Deno.execPath(), ...args].map(shellWord).join(" ")}\n`);
      return 0;
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: io.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    if (!output.success) {
      const last = text.trim().split("\n").filter((line) => line.trim() !== "").at(-1) ?? "";
      throw new McpxError(
        "INTERNAL",
        `deno install failed (exit ${output.code}): ${last.trim()} (rerun with --verbose, or run "mcpx install --dry-run" and try the command by hand)`,
        { data: { output: text } },
      );
    }
    if (values.verbose) io.err(text);
    const installRoot = root ?? io.env.DENO_INSTALL_ROOT ?? join(io.env.HOME ?? "~", ".deno");
    const bin = join(installRoot, "bin");
    io.out(`Installed mcpx: ${join(bin, "mcpx")}\n`);
    const onPath = (io.env.PATH ?? "").split(":").includes(bin);
    if (!onPath) io.out(`Add it to PATH: export PATH="${bin}:$PATH"\n`);
    return 0;
  },
});
