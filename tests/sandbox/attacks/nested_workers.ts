// Workers that start Workers get past the Worker count (a Worker's own global `Worker` is not the
// bounded one): a chain of nested Workers, each holding 160 MiB of buffers, 1.6 GiB in all. Only
// the run's cgroup stands in the way.
import { installWorkerBound } from "../../../lib/sandbox/_worker_bound.ts";
installWorkerBound(1);
const code = `
const keep = new Uint8Array(160 * 1024 * 1024).fill(1);
if (self.name.length < 10) {
  const next = new Worker(import.meta.url, { type: "module", name: self.name + "x" });
  next.onmessage = (event) => postMessage(event.data);
} else {
  postMessage("done");
}
setInterval(() => keep[0]++, 1000);
`;
const url = `data:application/javascript,${encodeURIComponent(code)}`;
const first = new Worker(url, { type: "module", name: "x" });
first.onmessage = () => {
  console.log("held 1.6 GiB in ten nested workers");
  Deno.exit(0);
};
