// Says its pid, then spins forever.
console.log(`pid ${Deno.pid}`);
while (true) {
  // burn CPU until killed
}
