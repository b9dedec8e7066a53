// Preloaded into a relay by bench/compression.ts (NODE_OPTIONS=--require): on SIGUSR2 it runs a
// full garbage collection and prints "bench-gc <n>", so the bench reads the resident memory that
// connections really hold, not the garbage of the last broadcast. Bench instrumentation only.
const v8 = require("node:v8");
const vm = require("node:vm");

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");
let count = 0;
process.on("SIGUSR2", () => {
  gc();
  count += 1;
  process.stderr.write(`bench-gc ${count}\n`);
});
