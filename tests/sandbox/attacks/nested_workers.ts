// Workers that start Workers (a Worker's own global is not bounded): 150 isolates in a chain
// of fan-outs. Only the cgroup's pids and memory limits stand in the way.
import { installWorkerBound } from "../../../lib/sandbox/_worker_bound.ts";
installWorkerBound(8);
const code = `
const depth = Number(new URL(import.meta.url).hash.slice(1) || 0);
const url = import.meta.url.split("#")[0];
if (depth < 150) new Worker(url + "#" + (depth + 1), { type: "module" });
postMessage(depth);
setInterval(() => {}, 1000);
`;
const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
new Worker(url, { type: "module" });
setTimeout(() => {
  console.log("ALLOWED still alive after 10 s");
  Deno.exit(0);
}, 10000);
