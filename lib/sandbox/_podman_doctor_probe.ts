/**
 * What `mcpx doctor` runs inside a container, with `--allow-all` (the container alone is what
 * is measured): `identity` prints the uid and user-namespace map, whether `/` is writable and
 * whether any network is reachable; `memory` allocates past the limit; `threads` starts threads
 * until the pids limit stops them; `cpu` reads the cpu quota the kernel applies; `hold` stays
 * alive for 4 s while the host reads the container's cgroup (gVisor shows the skill emulated
 * cgroup files). `identity` also prints `/proc/version` (gVisor's own kernel under runsc).
 *
 * @module
 */
const [action] = Deno.args;

async function refused(fn: () => unknown): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch {
    return true;
  }
}

function read(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return undefined;
  }
}

if (action === "identity") {
  const connect = async () => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error()), 2000));
    (await Promise.race([Deno.connect({ hostname: "1.1.1.1", port: 53 }), timeout])).close();
  };
  console.log(JSON.stringify({
    uid: Deno.uid(),
    uidMap: read("/proc/self/uid_map"),
    kernel: read("/proc/version"),
    rootReadOnly: await refused(() => Deno.writeTextFileSync("/mcpx-doctor", "x")),
    interfaces: [...new Set(Deno.networkInterfaces().map((i) => i.name))],
    networkRefused: await refused(connect),
  }));
  Deno.exit(0);
} else if (action === "memory") {
  const hold: Uint8Array[] = [];
  for (let i = 0; i < 32; i++) hold.push(new Uint8Array(16 << 20).fill(1));
  console.log(JSON.stringify({ survivedMb: hold.length * 16 }));
} else if (action === "threads") {
  const url = `data:text/javascript,${encodeURIComponent("setTimeout(() => {}, 10000)")}`;
  const workers: Worker[] = [];
  let error = "";
  for (let i = 0; i < 48 && !error; i++) {
    try {
      workers.push(new Worker(url, { type: "module" }));
      await new Promise((resolve) => setTimeout(resolve, 10));
    } catch (e) {
      error = String(e);
    }
  }
  console.log(JSON.stringify({ started: workers.length, error }));
  Deno.exit(0);
} else if (action === "hold") {
  // Stays alive while the host reads the container's cgroup.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  console.log(JSON.stringify({ held: true }));
} else if (action === "cpu") {
  console.log(JSON.stringify({
    v1: read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") ??
      read("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us"),
    v2: read("/sys/fs/cgroup/cpu.max"),
  }));
}
