// A stdio MCP server, written with the TypeScript SDK, that answers every call of its one tool with
// the same 4 KiB held in memory: no disk, no checks, no audit. What it sustains is the most the
// client and the stdio transport allow, the ceiling for every other target. The result has the
// filesystem server's shape (the text as a content item and as structuredContent.content), so the
// client does the same work per answer. The low-level Server is used instead of McpServer so that
// no per-call input validation runs on the server side either.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { CONTENT } from "./content.mjs";

const READ = {
  name: "read",
  description: "Returns 4 KiB of constant text, whatever the path.",
  inputSchema: { type: "object", properties: { path: { type: "string" } } },
  outputSchema: { type: "object", properties: { content: { type: "string" } }, required: ["content"] },
  annotations: { readOnlyHint: true },
};

const server = new Server({ name: "null-4k", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [READ] }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name !== READ.name) {
    return { content: [{ type: "text", text: `unknown tool ${request.params.name}` }], isError: true };
  }
  return { content: [{ type: "text", text: CONTENT }], structuredContent: { content: CONTENT } };
});
await server.connect(new StdioServerTransport());
