// The contract suite against core's fetch-native `handle(Request)`, served by a minimal
// node:http server that converts to WHATWG Request/Response (as Bun, Deno or Workers would).
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { runContractSuite } from "./contractSuite.js";
import { contractDefinitions } from "./definitions.js";

async function serveWithFetchApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = `http://${req.headers.host}${req.url}`;
  const definition = contractDefinitions.find((d) => d.path === new URL(url).pathname);
  if (!definition) {
    res.statusCode = 404;
    res.end();
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
  const request = new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
  const response = await definition.handle(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
  if (!req.readableEnded) req.resume();
}

let server: Server;
let baseUrl = "";

beforeAll(async () => {
  server = createServer((req, res) => void serveWithFetchApi(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

runContractSuite("core handle(Request)", { baseUrl: () => baseUrl });
