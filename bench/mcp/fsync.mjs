// The floor under a durable audit record on this disk: N times, 4 KiB written at the same offset of
// a preallocated file, then fdatasync, as SQLite commits a transaction to a WAL it reuses. Prints
// the latency percentiles in microseconds.
//
//   node fsync.mjs DIR [N]
import { openSync, writeSync, fdatasyncSync, closeSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const n = Number(process.argv[3] ?? 2000);
if (!dir) {
  console.error("usage: node fsync.mjs DIR [N]");
  process.exit(2);
}
const path = join(dir, `fsync-probe-${process.pid}`);
const fd = openSync(path, "w");
const page = Buffer.alloc(4096, 0x61);
try {
  writeSync(fd, page, 0, page.length, 0);
  fdatasyncSync(fd);
  const micros = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    writeSync(fd, page, 0, page.length, 0);
    fdatasyncSync(fd);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  micros.sort((a, b) => a - b);
  const at = (p) => micros[Math.min(micros.length - 1, Math.floor(p * micros.length))].toFixed(0);
  console.log(`write 4 KiB + fdatasync, ${n} times: p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs`);
} finally {
  closeSync(fd);
  rmSync(path, { force: true });
}
