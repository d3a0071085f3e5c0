// Drives MCP servers with the official TypeScript client, one connection per target, and prints
// calls per second and latency percentiles of a tool call that reads the same 4 KiB.
//
//   node drive.mjs --file ABS_PATH [--targets warden-stdio,warden-http,filesystem,null]
//                  [--warden LAUNCHER --data-dir DIR --root DIR]        (warden-stdio)
//                  [--http BASE_URL --http-pid PID]                      (warden-http; token in WARDEN_TOKEN)
//                  [--duration 10] [--warmup 10] [--concurrency 1,8] [--rounds 1] [--logs DIR]
//
// Each concurrency level c keeps c calls in flight on the one connection (as an agent issuing
// parallel tool calls does): c loops, each sending its next call when its last one is answered.
// Before each measured interval the same load runs for --warmup seconds, not counted. With
// --rounds n the targets take turns n times per level and the figures add up over the rounds, so
// that a burst of other work on the machine does not fall on one target only; later rounds warm
// up for at most 2 s.
//
// Every answer is checked: not isError, and its structured content is exactly the 4 KiB of the
// file. A target that refuses or answers something else stops the run with exit code 1, because a
// refusal would otherwise be counted as a fast call.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { setMaxListeners } from "node:events";
import { openSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CONTENT } from "./content.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    file: { type: "string" },
    targets: { type: "string", default: "warden-stdio,warden-http,filesystem,null" },
    warden: { type: "string" },
    "data-dir": { type: "string" },
    root: { type: "string" },
    http: { type: "string" },
    "http-pid": { type: "string" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "10" },
    concurrency: { type: "string", default: "1,8" },
    rounds: { type: "string", default: "1" },
    logs: { type: "string" },
    "clk-tck": { type: "string", default: "100" },
  },
});

function fail(message) {
  console.error(`drive: ${message}`);
  process.exit(1);
}

if (!opt.file) fail("--file is required");
if (readFileSync(opt.file, "utf8") !== CONTENT) fail(`${opt.file} does not hold the bench's 4 KiB (content.mjs)`);
const durationMs = Number(opt.duration) * 1000;
const warmupMs = Number(opt.warmup) * 1000;
const levels = opt.concurrency.split(",").map(Number);
const rounds = Number(opt.rounds);
const clkTck = Number(opt["clk-tck"]);

// Child processes inherit only the SDK's default environment (no WARDEN_TOKEN: the stdio Warden
// acts as the local admin), plus JAVA_HOME so that the launcher finds the same JDK and
// WARDEN_JAVA_OPTS (e.g. to record a profile).
function childEnv() {
  const env = getDefaultEnvironment();
  for (const name of ["JAVA_HOME", "WARDEN_JAVA_OPTS"]) if (process.env[name]) env[name] = process.env[name];
  return env;
}

function stderrOf(name) {
  return opt.logs ? openSync(join(opt.logs, `${name}.log`), "a") : "ignore";
}

const KINDS = {
  "warden-stdio": () => {
    if (!opt.warden || !opt["data-dir"] || !opt.root) fail("warden-stdio needs --warden, --data-dir and --root");
    const transport = new StdioClientTransport({
      command: opt.warden, args: ["mcp", "--data-dir", opt["data-dir"], "--root", opt.root],
      env: childEnv(), stderr: stderrOf("warden-stdio"),
    });
    return { transport, tool: "fs.read", args: { path: opt.file }, pid: () => transport.pid };
  },
  "warden-http": () => {
    if (!opt.http || !process.env.WARDEN_TOKEN) fail("warden-http needs --http and WARDEN_TOKEN");
    const transport = new StreamableHTTPClientTransport(new URL("/mcp", opt.http), {
      requestInit: { headers: { Authorization: `Bearer ${process.env.WARDEN_TOKEN}` } },
    });
    return { transport, tool: "fs.read", args: { path: opt.file }, pid: () => Number(opt["http-pid"]) || null };
  },
  filesystem: () => {
    const entry = join(HERE, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
    const transport = new StdioClientTransport({
      command: process.execPath, args: [entry, dirname(opt.file)], env: childEnv(), stderr: stderrOf("filesystem"),
    });
    // read_text_file since 2025.7; older releases call it read_file.
    return { transport, tool: ["read_text_file", "read_file"], args: { path: opt.file }, pid: () => transport.pid };
  },
  null: () => {
    const transport = new StdioClientTransport({
      command: process.execPath, args: [join(HERE, "null-server.mjs")], env: childEnv(), stderr: stderrOf("null"),
    });
    return { transport, tool: "read", args: { path: opt.file }, pid: () => transport.pid };
  },
};

/** user + system CPU of a process, in ms, or null when it cannot be read. */
function cpuMs(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clkTck; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

async function connect(name) {
  const made = KINDS[name]?.();
  if (!made) fail(`unknown target ${name}; known: ${Object.keys(KINDS).join(", ")}`);
  const client = new Client({ name: "warden-mcp-bench", version: "1.0.0" });
  await client.connect(made.transport);
  // The HTTP transport passes one AbortSignal to every fetch, and fetch lets go of its listener on
  // that signal only when the request is garbage-collected: thousands pile up under load and Node
  // prints a leak warning per call. They are released in time; only the warning is turned off.
  if (made.transport._abortController) setMaxListeners(0, made.transport._abortController.signal);
  // Listing the tools also makes the client check each result against the tool's output schema,
  // as an agent's client does.
  const tools = (await client.listTools()).tools.map((t) => t.name);
  const wanted = [made.tool].flat();
  const tool = wanted.find((t) => tools.includes(t));
  if (!tool) fail(`${name} has no tool ${wanted.join(" or ")}; it lists ${tools.join(", ")}`);
  const target = { name, client, tool, args: made.args, pid: made.pid, server: client.getServerVersion(), calls: 0 };
  await call(target); // one checked call before any timing
  return target;
}

/** One checked call; throws (and so stops the run) unless it returned the 4 KiB. */
async function call(target) {
  target.calls++;
  const result = await target.client.callTool({ name: target.tool, arguments: target.args });
  if (result.isError) {
    throw new Error(`${target.name} answered an error: ${JSON.stringify(result.content).slice(0, 500)}`);
  }
  if (result.structuredContent?.content !== CONTENT) {
    throw new Error(`${target.name} answered without the 4 KiB: ${JSON.stringify(result).slice(0, 500)}`);
  }
}

/** Keeps c calls in flight for ms milliseconds; resolves with each call's latency in ms. */
async function load(target, c, ms) {
  const latencies = [];
  const end = performance.now() + ms;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await call(target);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: c }, loop));
  return latencies;
}

async function measure(target, c, round) {
  // Later rounds find the target warm: a short warm-up only brings its connection back to this load.
  const warm = round === 0 ? warmupMs : Math.min(warmupMs, 2000);
  if (warm > 0) await load(target, c, warm);
  const server0 = cpuMs(target.pid());
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const latencies = await load(target, c, durationMs);
  const elapsedMs = performance.now() - t0;
  const client = process.cpuUsage(client0);
  const server1 = cpuMs(target.pid());
  return {
    latencies, elapsedMs, clientCpuMs: (client.user + client.system) / 1000,
    serverCpuMs: server0 == null || server1 == null ? null : server1 - server0,
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarize(name, c, parts) {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((s, p) => s + p.elapsedMs, 0) / 1000;
  const calls = latencies.length;
  if (process.env.PCTS) {
    const tail = [50, 80, 90, 95, 97, 98, 99, 99.5, 99.9].map((q) => `p${q}=${percentile(latencies, q).toFixed(3)}`);
    console.error(`PCTS ${name} c=${c} ${tail.join(" ")}`);
  }
  const serverCpu = parts.some((p) => p.serverCpuMs == null) ? null : parts.reduce((s, p) => s + p.serverCpuMs, 0);
  const clientCpu = parts.reduce((s, p) => s + p.clientCpuMs, 0);
  return {
    target: name, c, calls, seconds, rate: calls / seconds,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[calls - 1],
    serverCpuUsPerCall: serverCpu == null ? null : (serverCpu * 1000) / calls,
    clientCpuUsPerCall: (clientCpu * 1000) / calls,
  };
}

const fmt = (n, d = 0) => (n == null ? "-" : n.toFixed(d));

function table(results) {
  const rows = [["target", "c", "calls", "calls/s", "p50 ms", "p99 ms", "max ms", "server CPU µs/call", "client CPU µs/call"]];
  for (const r of results) {
    rows.push([r.target, String(r.c), String(r.calls), fmt(r.rate), fmt(r.p50, 3), fmt(r.p99, 3), fmt(r.max, 1),
      fmt(r.serverCpuUsPerCall), fmt(r.clientCpuUsPerCall)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
}

function ratios(results) {
  const find = (t, c) => results.find((r) => r.target === t && r.c === c);
  for (const c of levels) {
    const w = find("warden-stdio", c);
    if (!w) continue;
    for (const [peer, label] of [["filesystem", "filesystem server"], ["null", "null server"]]) {
      const p = find(peer, c);
      if (!p) continue;
      console.log(`c=${c}: warden-stdio / ${label}: ${(w.rate / p.rate).toFixed(2)}x calls/s; ` +
        `p99 ${w.p99.toFixed(3)} ms vs ${p.p99.toFixed(3)} ms`);
    }
    const h = find("warden-http", c);
    if (h) console.log(`c=${c}: warden-http / warden-stdio: ${(h.rate / w.rate).toFixed(2)}x calls/s`);
  }
}

const names = opt.targets.split(",").map((s) => s.trim()).filter(Boolean);
const targets = [];
try {
  for (const name of names) {
    const target = await connect(name);
    targets.push(target);
    console.log(`${name}: ${target.server?.name} ${target.server?.version}, tool ${target.tool}, server pid ${target.pid() ?? "?"}`);
  }
  console.log(`each level: ${opt.warmup} s warm-up, then ${opt.duration} s measured, ${rounds} round(s)` +
    ` (warm-up of later rounds at most 2 s); targets in turn`);
  const results = [];
  for (const c of levels) {
    const parts = new Map(targets.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) parts.get(target.name).push(await measure(target, c, round));
    }
    for (const target of targets) {
      const r = summarize(target.name, c, parts.get(target.name));
      results.push(r);
      console.log(`RESULT target=${r.target} c=${c} calls=${r.calls} seconds=${r.seconds.toFixed(2)} rate=${r.rate.toFixed(1)}` +
        ` p50_ms=${r.p50.toFixed(3)} p99_ms=${r.p99.toFixed(3)} max_ms=${r.max.toFixed(3)}` +
        ` server_cpu_us=${fmt(r.serverCpuUsPerCall)} client_cpu_us=${fmt(r.clientCpuUsPerCall)}`);
    }
  }
  console.log();
  table(results);
  console.log();
  ratios(results);
  // Every call made, warm-up and checks included: Warden must have an audit record for each.
  for (const t of targets) console.log(`CALLS target=${t.name} total=${t.calls}`);
} catch (e) {
  console.error(`drive: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await Promise.all(targets.map((t) => t.client.close().catch(() => {})));
}
