// Test helper (not exported): a real HTTP server on 127.0.0.1 that records
// every request and answers from a script, so client tests exercise real fetch,
// real sockets and real retries.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server saw. `path` is the raw request target, query included. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A scripted answer; `"destroy"` drops the connection after reading the
 * request, `"hang"` never answers.
 */
export type Reply = { status?: number; headers?: Record<string, string>; body?: unknown } | "destroy" | "hang";

export interface ScriptedApiServer {
  url: string;
  received: Received[];
  /** Queues replies, used one per request in order; when none is left the server answers 599. */
  reply(...replies: Reply[]): void;
  /** Forgets received requests and unused replies (call between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startScriptedApiServer(): Promise<ScriptedApiServer> {
  const received: Received[] = [];
  const script: Reply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const reply = script.shift() ?? { status: 599, body: { error: "no scripted reply" } };
      if (reply === "hang") return;
      if (reply === "destroy") {
        req.socket.destroy();
        return;
      }
      const body = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, reply.headers ?? {});
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    reply: (...replies) => script.push(...replies),
    reset: () => {
      received.length = 0;
      script.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was just free and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
