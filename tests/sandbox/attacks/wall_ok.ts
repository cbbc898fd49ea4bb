// The harness still works: a plain run prints one line.
console.log("ok");
