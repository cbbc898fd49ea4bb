// ArrayBuffers outside the JS heap: 1.5 GiB, every page touched so it is really resident.
const keep: Uint8Array[] = [];
for (let i = 0; i < 24; i++) keep.push(new Uint8Array(64 * 1024 * 1024).fill(i + 1));
console.log(`held ${keep.length * 64} MiB of ArrayBuffers`);
