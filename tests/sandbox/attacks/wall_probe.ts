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
