/**
 * A stand-in skill for the strict-tier battery: `probe.ts <action>` does one thing a hostile or
 * ordinary skill might do and prints what happened as one JSON line.
 *
 * @module
 */
const [action = "whoami", arg = ""] = Deno.args;

function report(value: unknown): void {
  console.log(JSON.stringify(value));
}

async function attempt(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "allowed";
  } catch (error) {
    return `denied: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`;
  }
}

switch (action) {
  case "whoami":
    report({
      uid: Deno.uid(),
      gid: Deno.gid(),
      uidMap: Deno.readTextFileSync("/proc/self/uid_map"),
    });
    break;
  case "environ":
    report({ environ: Deno.readTextFileSync("/proc/self/environ").split("\0").filter(Boolean) });
    break;
  case "write":
    report({ path: arg, result: await attempt(() => Deno.writeTextFileSync(arg, "x")) });
    break;
  case "net":
    report({
      connect: await attempt(async () => (await Deno.connect({ hostname: arg, port: 80 })).close()),
      interfaces: Deno.networkInterfaces().map((i) => i.name),
    });
    break;
  case "bridge": {
    const conn = await Deno.connect({ transport: "unix", path: arg });
    await conn.write(new TextEncoder().encode("ping\n"));
    const buffer = new Uint8Array(64);
    const n = await conn.read(buffer);
    conn.close();
    report({ reply: new TextDecoder().decode(buffer.subarray(0, n ?? 0)).trim() });
    break;
  }
  case "memory": {
    const hold: Uint8Array[] = [];
    for (let i = 0; i < 256; i++) hold.push(new Uint8Array(16 << 20).fill(1));
    report({ survived: hold.length });
    break;
  }
  case "threads": {
    // Each Worker is an OS thread: the pids limit counts threads, so enough of them must fail.
    let started = 0;
    let failure = "";
    const workers: Worker[] = [];
    const url = `data:text/javascript,${encodeURIComponent("setTimeout(() => {}, 60000)")}`;
    for (let i = 0; i < Number(arg || 100); i++) {
      try {
        const worker = new Worker(url, { type: "module" });
        await new Promise<void>((resolve, reject) => {
          worker.onerror = (e) => reject(new Error(e.message));
          setTimeout(resolve, 20);
        });
        workers.push(worker);
        started++;
      } catch (error) {
        failure = String(error);
        break;
      }
    }
    report({ started, failure });
    for (const worker of workers) worker.terminate();
    break;
  }
  case "link":
    report({ result: await attempt(() => Deno.linkSync(arg, `${Deno.cwd()}/hardlink`)) });
    break;
  case "procs":
    report({
      pids: [...Deno.readDirSync("/proc")].filter((e) => /^\d+$/.test(e.name)).map((e) =>
        Number(e.name)
      ),
    });
    break;
  case "sleep":
    console.log("sleeping");
    await new Promise((resolve) => setTimeout(resolve, Number(arg || 600) * 1000));
    break;
  case "spam":
    for (let i = 0; i < 1000; i++) console.log("x".repeat(99));
    break;
  default:
    console.error(`unknown action ${action}`);
    Deno.exit(2);
}
