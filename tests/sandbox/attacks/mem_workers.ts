// Four Workers each fill their own heap with ~430 MiB of live objects (1.7 GiB in all).
const code = `
const keep = [];
for (let i = 0; i < 430; i++) {
  keep.push(Array.from({ length: 32768 }, (_, j) => i * 1e6 + j + 0.5));
}
postMessage(keep.length);
setInterval(() => {}, 1000);
`;
const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
let done = 0;
for (let i = 0; i < 4; i++) {
  const worker = new Worker(url, { type: "module" });
  worker.onmessage = () => {
    if (++done === 4) {
      console.log("held 1.7 GiB in four workers");
      Deno.exit(0);
    }
  };
}
