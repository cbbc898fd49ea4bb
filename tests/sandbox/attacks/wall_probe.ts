// Run with every Deno permission (escaped): each line says what the OS wall alone let through.
// Arguments: <host secret file> <harness pid> <host TCP port> <host path to list>.
const [secret, harnessPid, port, hostDir] = Deno.args;

async function attempt(label: string, action: () => unknown): Promise<void> {
  try {
    console.log(`${label}: ALLOWED ${String(await action()).slice(0, 120)}`);
  } catch (error) {
    const e = error as Error;
    console.log(`${label}: REFUSED ${e.name}: ${e.message.split("\n")[0]}`);
  }
}

await attempt("secret", () => Deno.readTextFileSync(secret!));
await attempt("etc_shadow", () => Deno.readTextFileSync("/etc/shadow"));
await attempt("etc_passwd", () => Deno.readTextFileSync("/etc/passwd"));
await attempt("host_dir", () => [...Deno.readDirSync(hostDir!)].length);
await attempt("root_home", () => [...Deno.readDirSync("/root")].length);
await attempt("harness_environ", () => Deno.readTextFileSync(`/proc/${harnessPid}/environ`));
await attempt("ppid_environ", () => Deno.readTextFileSync(`/proc/${Deno.ppid}/environ`));
await attempt(
  "proc_pids",
  () =>
    [...Deno.readDirSync("/proc")].filter((e) => /^\d+$/.test(e.name)).length <= 4
      ? "only the wall's own processes"
      : (() => {
        throw new Error("host processes visible");
      })(),
);
await attempt("kill_harness", () => Deno.kill(Number(harnessPid), "SIGTERM"));
await attempt("tcp_host", async () => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  conn.close();
  return "connected";
});
await attempt("tcp_name", async () => {
  const conn = await Deno.connect({ hostname: "localhost", port: Number(port) });
  conn.close();
  return "connected by name";
});
await attempt("write_code", () => Deno.writeTextFileSync(`${import.meta.dirname}/planted.ts`, "x"));
await attempt("write_deno_dir", () => Deno.writeTextFileSync(`${Deno.env.get("DENO_DIR")}/x`, "x"));
await attempt("write_root", () => Deno.writeTextFileSync("/planted", "x"));
await attempt(
  "cgroup_procs",
  () => Deno.writeTextFileSync("/sys/fs/cgroup/memory/cgroup.procs", String(Deno.pid)),
);
await attempt(
  "cgroup_mount_list",
  () =>
    Deno.readTextFileSync("/proc/self/mountinfo").includes("cgroup")
      ? (() => {
        throw new Error("cgroup fs mounted");
      })()
      : "no cgroup fs",
);
await attempt("shell", async () => {
  const out = await new Deno.Command("/bin/sh", { args: ["-c", "id"] }).output();
  return new TextDecoder().decode(out.stdout);
});
await attempt("tmp_private", () => {
  Deno.writeTextFileSync("/tmp/mcpx-wall-planted", "x");
  return "written inside";
});
await attempt("workspace_write", () => {
  Deno.writeTextFileSync("./ok.txt", "ok");
  return "ok";
});

// With FFI (escaped Deno has it): new namespaces, mounts and ptrace all need privileges the
// wall dropped (no capabilities, no further user namespaces).
const libcPath = ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"]
  .find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
const libc = libcPath === undefined ? undefined : Deno.dlopen(libcPath, {
  unshare: { parameters: ["i32"], result: "i32" },
  mount: { parameters: ["buffer", "buffer", "buffer", "usize", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
});
const cString = (text: string) => new TextEncoder().encode(`${text}\0`);
const sys = (label: string, call: () => number) =>
  attempt(label, () => {
    if (libc === undefined) throw new Error("no libc");
    if (call() === 0) return "succeeded";
    const errno = new Deno.UnsafePointerView(libc.symbols.__errno_location()!).getInt32();
    throw new Error(`errno ${errno}`);
  });
await sys("unshare_user", () => libc!.symbols.unshare(0x10000000)); // CLONE_NEWUSER
await sys("unshare_mount", () => libc!.symbols.unshare(0x00020000)); // CLONE_NEWNS
await sys("mount_cgroup", () => {
  Deno.mkdirSync("/tmp/cg", { recursive: true });
  return libc!.symbols.mount(
    cString("cgroup"),
    cString("/tmp/cg"),
    cString("cgroup"),
    0n,
    cString("memory"),
  );
});
await sys("mount_proc", () => {
  Deno.mkdirSync("/tmp/hostproc", { recursive: true });
  return libc!.symbols.mount(cString("proc"), cString("/tmp/hostproc"), cString("proc"), 0n, null);
});
