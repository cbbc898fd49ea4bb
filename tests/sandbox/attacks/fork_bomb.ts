// Run escaped (every Deno permission): starts deno processes until something refuses.
const children: Deno.ChildProcess[] = [];
try {
  for (let i = 0; i < 200; i++) {
    children.push(
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "setTimeout(() => {}, 20000)"],
        stdout: "null",
        stderr: "null",
      }).spawn(),
    );
  }
  console.log(`ALLOWED ${children.length} processes`);
} catch (error) {
  console.log(`REFUSED after ${children.length}: ${(error as Error).message}`);
}
Deno.exit(0);
