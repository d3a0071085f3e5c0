// The 4 KiB every target returns: 64 lines of 63 ASCII characters and a newline. The bench writes
// it to the file that Warden and the filesystem server read; the null server holds it in memory.
// Run as a script, it prints the text (bench/mcp.sh writes the file that way).
import { fileURLToPath } from "node:url";

export const CONTENT = Array.from({ length: 64 }, (_, i) =>
  `line ${String(i + 1).padStart(2, "0")} `.padEnd(63, "abcdefghijklmnopqrstuvwxyz".charAt(i % 26)) + "\n").join("");

if (CONTENT.length !== 4096) throw new Error(`the bench content is ${CONTENT.length} bytes, not 4096`);

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(CONTENT);
