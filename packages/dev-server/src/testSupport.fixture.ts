// Test helpers for this package's own tests: real HTTP destinations on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A request a test destination received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** What a destination does with request number `index` (0-based). */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | "destroy"
  | "hang";

/** A running test destination. */
export interface Destination {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that records requests and answers with `reply`.
 * @param reply - Decides the answer per request; default 200 `ok`.
 */
export async function startDestination(
  reply: (request: ReceivedRequest, index: number) => Reply = () => ({ status: 200, body: "ok" }),
): Promise<Destination> {
  const requests: ReceivedRequest[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      const index = requests.length;
      requests.push(received);
      for (const waiter of waiters.splice(0)) waiter();
      const answer = reply(received, index);
      if (answer === "destroy") return req.socket.destroy();
      if (answer === "hang") return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} requests, got ${requests.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small API client for the dev server under test. */
export function api(baseUrl: string, token: string) {
  return async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as any), text };
  };
}

/** A response read by {@link rawRequest}. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/**
 * One request with node:http, so a test can set headers `fetch` forbids (`Host`, `Origin`,
 * `Sec-Fetch-Site`) or send exactly the bytes it wants.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer; token?: string } = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers["authorization"] = `Bearer ${init.token}`;
  // node:http sends a DELETE body without framing unless the length is given.
  if (init.body !== undefined && headers["content-length"] === undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = text === "" ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/**
 * Writes `data` on a fresh TCP connection and collects everything the server sends until
 * it closes the connection (or `timeoutMs` passes), for requests no HTTP client would send.
 */
export function rawExchange(
  baseUrl: string,
  data: string | Buffer | ((socket: import("node:net").Socket) => void),
  timeoutMs = 5000,
): Promise<{ text: string; closed: boolean }> {
  const url = new URL(baseUrl);
  return import("node:net").then(
    (net) =>
      new Promise((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname);
        const chunks: Buffer[] = [];
        let done = false;
        const finish = (closed: boolean) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          socket.destroy();
          resolve({ text: Buffer.concat(chunks).toString(), closed });
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        socket.on("data", (chunk: Buffer) => chunks.push(chunk));
        socket.on("end", () => finish(true));
        socket.on("close", () => finish(true));
        socket.on("error", () => finish(true));
        socket.on("connect", () => {
          if (typeof data === "function") data(socket);
          else socket.write(data);
        });
      }),
  );
}

/**
 * Follows a listing's cursor to the end and returns every item, with the number of pages.
 * @param load - Loads the page starting at `cursor` (the first page without one).
 * @param maxPages - Stops there, so a cursor that never ends fails the test instead of hanging.
 */
export async function allPages<T>(
  load: (cursor: string | undefined) => Promise<{ items: T[]; cursor?: string }>,
  maxPages = 1000,
): Promise<{ items: T[]; pages: number; cursor?: string }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await load(cursor);
    items.push(...page.items);
    cursor = page.cursor;
    pages += 1;
  } while (cursor !== undefined && pages < maxPages);
  return { items, pages, cursor };
}
