// Prints 10 MB to stdout.
const line = new TextEncoder().encode("x".repeat(1023) + "\n");
for (let i = 0; i < 10 * 1024; i++) await Deno.stdout.write(line);
