/**
 * The folder of client configs written from each client's documentation
 * (`tests/fixtures/config/clients`), copied into a temporary home folder with the project inside
 * it, as a user would have them.
 *
 * @module
 */
import { join } from "node:path";
import { ROOT } from "./paths.ts";

/** Where the fixtures are. */
export const CLIENT_FIXTURES = `${ROOT}/tests/fixtures/config/clients`;

/** A temporary home folder holding every client's config and a project. */
export interface ClientHome {
  /** The home folder (`$HOME`). */
  readonly home: string;
  /** The project folder (`<home>/project`), the current directory of a run. */
  readonly project: string;
  /** Removes the folder. */
  dispose(): Promise<void>;
}

/**
 * Copies the fixtures into a new temporary home, filling in the project's absolute path and,
 * when given, the port of a loopback server for files that cannot name a variable (Codex).
 */
export async function clientHome(options: { port?: number } = {}): Promise<ClientHome> {
  const base = await Deno.makeTempDir({ prefix: "mcpx-clients-" });
  const home = join(base, "home");
  const project = join(home, "project");
  await Deno.mkdir(home);
  for (const [from, to] of [["home", home], ["project", project]] as const) {
    const out = await new Deno.Command("cp", { args: ["-rT", `${CLIENT_FIXTURES}/${from}`, to] })
      .output();
    if (!out.success) throw new Error(`cp failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const fill = async (path: string, from: string, to: string) =>
    await Deno.writeTextFile(path, (await Deno.readTextFile(path)).replaceAll(from, to));
  await fill(join(home, ".claude.json"), "PROJECT_PATH", project);
  if (options.port !== undefined) {
    for (const file of [".codex/config.toml", ".config/opencode/opencode.json"]) {
      await fill(join(home, file), "48123", String(options.port));
    }
  }
  return { home, project, dispose: () => Deno.remove(base, { recursive: true }) };
}
