// Tries to load libc through the FFI.
import { attempt } from "./_attempt.ts";
await attempt(() => Deno.dlopen("libc.so.6", { getpid: { parameters: [], result: "i32" } }));
