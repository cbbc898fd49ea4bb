// A plain script that abuses the bridge in the way named by the workspace file "mode.txt",
// then proves the bridge still works with a normal call.
import { TOOL_CALLER_KEY, type ToolCaller } from "../../../lib/client/types.ts";
import { attempt } from "./_attempt.ts";

const caller = (globalThis as unknown as { [TOOL_CALLER_KEY]: ToolCaller })[TOOL_CALLER_KEY];
const mode = (await Deno.readTextFile("mode.txt")).trim();
const codeOf = (error: unknown) => (error as { code?: string }).code ?? (error as Error).name;

if (mode === "not-allowed") {
  await attempt(async () => {
    try {
      await caller.callTool("memory", "read_graph", {});
    } catch (error) {
      throw new Error(`${codeOf(error)}: ${(error as Error).message}`);
    }
  });
} else if (mode === "unknown-tool") {
  await attempt(async () => {
    try {
      await caller.callTool("everything", "no_such_tool", {});
    } catch (error) {
      throw new Error(`${codeOf(error)}: ${(error as Error).message}`);
    }
  });
} else if (mode === "flood") {
  const results = await Promise.allSettled(
    Array.from({ length: 10_000 }, () => caller.callTool("memory", "read_graph", {})),
  );
  const codes = new Set(results.map((r) => r.status === "rejected" ? codeOf(r.reason) : "ok"));
  console.log(`FLOOD ${results.length} ${[...codes].join(",")}`);
} else if (mode.startsWith("malformed ")) {
  // The socket's path is in no argument the run can read (the bootstrap gets it on stdin): the
  // test grants this run its harness's temp folder, standing for code that found it anyway.
  const temp = mode.slice("malformed ".length);
  const dir = [...Deno.readDirSync(temp)].find((entry) => entry.name.startsWith("mcpx-bridge-"));
  const socket = `${temp}/${dir?.name}/bridge.sock`;
  for (
    const frame of ["not json\n", '{"jsonrpc":"2.0","id":1}\n', "[]\n", "x".repeat(20 << 20)]
  ) {
    await attempt(async () => {
      const connection = await Deno.connect({ transport: "unix", path: socket });
      try {
        const bytes = new TextEncoder().encode(frame);
        for (let done = 0; done < bytes.length;) {
          done += await connection.write(bytes.subarray(done));
        }
        const buffer = new Uint8Array(4096);
        const n = await connection.read(buffer);
        return n === null ? "closed" : new TextDecoder().decode(buffer.subarray(0, n)).trim();
      } finally {
        connection.close();
      }
    });
  }
}
// The harness must still be healthy: a normal call right after.
const echo = await caller.callTool("everything", "echo", { message: "still alive" });
console.log(`AFTER ${JSON.stringify(echo.value)}`);
