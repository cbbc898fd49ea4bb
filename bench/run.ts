/**
 * `deno task bench [NAME…]`: runs the benchmarks, writes `bench/results/latest.json`, and
 * rewrites the results table in `BENCHMARKS.md`. Each benchmark module in `bench/` exports
 * `run(): Promise<BenchRow[]>`; comparisons are measured in the same run, interleaved.
 *
 * @module
 */
import { fromFileUrl } from "../tests/helpers/_node_path.ts";
import type { BenchRow } from "./_stats.ts";

const BENCHES: Record<string, () => Promise<{ run: () => Promise<BenchRow[]> }>> = {
  exec: () => import("./exec_overhead.ts"),
  transports: () => import("./transports.ts"),
  bridge: () => import("./bridge.ts"),
  lazy: () => import("./lazy_loading.ts"),
  generate: () => import("./generate.ts"),
  wall: () => import("./wall.ts"),
  daemon: () => import("./daemon.ts"),
};

const ROOT = fromFileUrl(new URL("..", import.meta.url));

async function text(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "not found";
  }
}

async function machine(): Promise<Record<string, string>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? "unknown";
  const memKb = Number(/MemTotal:\s*(\d+)/.exec(await Deno.readTextFile("/proc/meminfo"))?.[1]);
  return {
    cpu: model,
    cores: String(navigator.hardwareConcurrency),
    memory: `${Math.round(memKb / 1024 / 1024)} GiB`,
    kernel: await text("uname", ["-r"]),
    deno: Deno.version.deno,
    podman: (await text("podman", ["--version"])).replace(/^podman version /, ""),
    user: await text("id", ["-un"]),
  };
}

function fmtMs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

function renderTable(rows: readonly BenchRow[]): string {
  const lines = [
    "| group | measured | median ms (p25–p75) | baseline | baseline median ms | ratio | Δ ms | target | met |",
    "|---|---|---:|---|---:|---:|---:|---|:-:|",
  ];
  for (const r of rows) {
    const s = r.summary;
    lines.push(
      `| ${r.group} | ${r.name} | ${fmtMs(s.median)} (${fmtMs(s.p25)}–${
        fmtMs(s.p75)
      }), n=${s.n} | ${r.baseline?.name ?? "—"} | ${
        r.baseline ? fmtMs(r.baseline.summary.median) : "—"
      } | ${r.ratio?.toFixed(2) ?? "—"} | ${r.deltaMs?.toFixed(1) ?? "—"} | ${r.target ?? "—"} | ${
        r.met === undefined ? "—" : r.met ? "yes" : "**no**"
      } |`,
    );
  }
  return lines.join("\n");
}

async function main(names: string[]): Promise<void> {
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  const unknown = selected.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    throw new TypeError(
      `Unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`,
    );
  }
  const resultsPath = `${ROOT}bench/results/latest.json`;
  const previous = await Deno.readTextFile(resultsPath).then(JSON.parse).catch(() => ({
    rows: [],
  }));
  let rows: BenchRow[] = (previous.rows as BenchRow[]).filter((r) =>
    !selected.includes(groupKey(r))
  );
  for (const name of selected) {
    console.error(`[bench] ${name} …`);
    const module = await BENCHES[name]!();
    const fresh = (await module.run()).map((r) => ({ ...r, key: name }));
    for (const r of fresh) {
      console.error(
        `[bench]   ${r.name}: median ${fmtMs(r.summary.median)} ms${
          r.ratio ? `, ratio ${r.ratio}` : ""
        }`,
      );
    }
    rows = [...rows, ...fresh];
  }
  const order = Object.keys(BENCHES);
  rows.sort((a, b) => order.indexOf(groupKey(a)) - order.indexOf(groupKey(b)));
  const result = { date: new Date().toISOString(), machine: await machine(), rows };
  await Deno.writeTextFile(resultsPath, JSON.stringify(result, null, 2) + "\n");
  const mdPath = `${ROOT}BENCHMARKS.md`;
  const md = await Deno.readTextFile(mdPath);
  const table = `<!-- results:start -->\nLast run: ${result.date.slice(0, 10)} on ${
    Object.entries(result.machine).map(([k, v]) => `${k}: ${v}`).join("; ")
  }.\n\n${renderTable(rows)}\n<!-- results:end -->`;
  await Deno.writeTextFile(
    mdPath,
    md.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, table),
  );
  console.log(renderTable(rows));
}

function groupKey(row: BenchRow): string {
  return (row as BenchRow & { key?: string }).key ?? "";
}

if (import.meta.main) await main(Deno.args);
