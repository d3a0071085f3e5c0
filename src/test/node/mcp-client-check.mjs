// Drives a running Warden with the official MCP TypeScript client and prints one JSON object with
// what it saw; the Java test asserts on it. Usage:
//   node mcp-client-check.mjs http <baseUrl> <token> <fileInRoot> <outsideFile> <doomedFile>
//   node mcp-client-check.mjs stdio <fileInRoot> <outsideFile> <doomedFile> <command> [args...]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const [mode, ...rest] = process.argv.slice(2);
let transport, file, outside, doomed;
if (mode === "http") {
  const [baseUrl, token] = rest;
  [file, outside, doomed] = rest.slice(2);
  transport = new StreamableHTTPClientTransport(new URL("/mcp", baseUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
} else if (mode === "stdio") {
  [file, outside, doomed] = rest;
  const [command, ...args] = rest.slice(3);
  transport = new StdioClientTransport({ command, args, stderr: "ignore" });
} else {
  console.error("usage: mcp-client-check.mjs http|stdio ...");
  process.exit(2);
}

const report = {};
const client = new Client({ name: "warden-ts-check", version: "1.0.0" });
try {
  await client.connect(transport);
  report.serverName = client.getServerVersion()?.name;
  report.protocolVersion = transport.protocolVersion ?? null;

  const tools = (await client.listTools()).tools;
  report.tools = tools.map((t) => t.name).sort();
  const read = tools.find((t) => t.name === "fs.read");
  report.fsReadReadOnly = read?.annotations?.readOnlyHint ?? null;
  report.fsReadHasOutputSchema = Boolean(read?.outputSchema);

  const ok = await client.callTool({ name: "fs.read", arguments: { path: file } });
  report.read = { isError: Boolean(ok.isError), content: ok.structuredContent?.content ?? null };

  const refused = await client.callTool({ name: "fs.read", arguments: { path: outside } });
  // Errors carry their body as JSON text and in _meta.error, never as structured content.
  report.refused = { isError: Boolean(refused.isError), code: refused._meta?.error?.code ?? null,
    textCode: JSON.parse(refused.content?.[0]?.text ?? "{}").code ?? null };

  const held = await client.callTool({ name: "fs.delete", arguments: { path: doomed } });
  const token = held._meta?.error?.confirmToken;
  report.held = { isError: Boolean(held.isError), code: held._meta?.error?.code ?? null, hasToken: Boolean(token) };
  const confirmed = await client.callTool({ name: "confirm", arguments: { token } });
  report.confirmed = { isError: Boolean(confirmed.isError), undoId: confirmed._meta?.undoId ?? null };
  const replay = await client.callTool({ name: "confirm", arguments: { token } });
  report.replay = { isError: Boolean(replay.isError), code: replay._meta?.error?.code ?? null };

  // Progress: passing onprogress makes the client send a progressToken with the call. Reports come
  // about once a second while the command runs and stop when it ends, so a command of fixed length
  // races them on a busy machine: this one runs until the second report has arrived (or 20 s have
  // passed, and then the test fails on the count).
  const ticks = [];
  const gate = join(mkdtempSync(join(tmpdir(), "warden-ts-check-")), "two-reports");
  const untilGate = `i=0; until [ -e ${gate} ] || [ $i -ge 200 ]; do sleep 0.1; i=$((i + 1)); done`;
  const slow = await client.callTool({ name: "shell.exec", arguments: { command: `${untilGate}; echo done` } },
    undefined, { onprogress: (p) => { if (ticks.push(p) >= 2) writeFileSync(gate, ""); }, timeout: 30000 });
  rmSync(dirname(gate), { recursive: true, force: true });
  report.progress = { isError: Boolean(slow.isError), stdout: slow.structuredContent?.stdout ?? null,
    ticks: ticks.length, rising: ticks.length >= 2 && ticks[1].progress > ticks[0].progress };

  // Cancellation: aborting the call makes the client send notifications/cancelled. The command writes
  // its own pid and its child's so the test can check the whole process group is gone.
  const abort = new AbortController();
  let firstTick;
  const ticked = new Promise((resolve) => { firstTick = resolve; });
  const doomedCall = client.callTool({ name: "shell.exec", arguments: { command: "sleep 60 & echo $$ $! > pids; wait" } },
    undefined, { onprogress: () => firstTick(), signal: abort.signal, timeout: 30000 });
  const rejected = doomedCall.then(() => "resolved", (e) => String(e?.message ?? e));
  await ticked;
  abort.abort("the user pressed stop");
  report.cancelled = { clientSaw: await rejected };
  // Give Warden a moment to kill the group and write the audit record, then read it back.
  let last;
  for (let i = 0; i < 50; i++) {
    const tail = await client.readResource({ uri: "warden://audit/tail" });
    last = JSON.parse(tail.contents[0].text).find((r) => r.action === "shell.exec");
    if (last?.code === "cancelled") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  report.cancelled.auditOutcome = last?.outcome ?? null;
  report.cancelled.auditCode = last?.code ?? null;
} catch (e) {
  report.error = String(e?.stack ?? e);
} finally {
  await client.close().catch(() => {});
}
console.log(JSON.stringify(report));
