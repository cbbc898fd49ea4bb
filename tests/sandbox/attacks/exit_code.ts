// Exits with status 3 after writing to both streams.
console.log("out");
console.error("err");
Deno.exit(3);
