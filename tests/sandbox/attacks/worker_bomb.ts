// Starts 150 Workers the way the argument says, after the bound the harness bootstrap installs.
// Arguments: <how> <limit>; how: plain | constructor | prototype | proto_chain | reflect |
// subclass | redefine. The bound is installed first, as the harness bootstrap does.
import { installWorkerBound } from "../../../lib/sandbox/_worker_bound.ts";
installWorkerBound(Number(Deno.args[1]));

const how = Deno.args[0] ?? "plain";
const url = URL.createObjectURL(
  new Blob(["setInterval(() => {}, 1000);"], { type: "text/javascript" }),
);
const first = new Worker(url, { type: "module" });
// deno-lint-ignore no-explicit-any
const pick: Record<string, () => any> = {
  plain: () => Worker,
  constructor: () => first.constructor,
  prototype: () => Worker.prototype.constructor,
  proto_chain: () => Object.getPrototypeOf(first).constructor,
  reflect: () => Worker,
  subclass: () => class extends Worker {},
  redefine: () => {
    try {
      // deno-lint-ignore no-explicit-any
      (globalThis as any).Worker = function () {};
      delete (globalThis as { Worker?: unknown }).Worker;
    } catch {
      // frozen: fall through to whatever Worker is now
    }
    return globalThis.Worker;
  },
};
const Ctor = pick[how]!();
let started = 1;
try {
  for (; started < 150; started++) {
    const made = how === "reflect"
      ? Reflect.construct(Ctor, [url, { type: "module" }], Object)
      : new Ctor(url, { type: "module" });
    if (Object.prototype.toString.call(made) !== "[object Worker]") {
      throw new Error(`not a Worker: ${made}`);
    }
  }
  console.log(`ALLOWED ${started} workers`);
} catch (error) {
  console.log(`REFUSED after ${started}: ${(error as Error).name}: ${(error as Error).message}`);
}
Deno.exit(0);
