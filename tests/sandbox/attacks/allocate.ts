// Allocates about 2 GB of live JavaScript objects.
const keep: string[][] = [];
for (let i = 0; i < 2048; i++) {
  keep.push(Array.from({ length: 16_384 }, (_, j) => `${i}-${j}-padding-padding`));
}
console.log(`allocated ${keep.length}`);
