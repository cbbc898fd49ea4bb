// WebAssembly memory grown to 1.5 GiB, every page touched.
const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
for (let i = 0; i < 24; i++) {
  const before = memory.grow(1024); // 64 MiB
  new Uint8Array(memory.buffer, before * 65536, 1024 * 65536).fill(7);
}
console.log(`held ${memory.buffer.byteLength / 1024 / 1024} MiB of WebAssembly memory`);
