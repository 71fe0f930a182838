// A real node:http destination on 127.0.0.1 that verifies every delivery's signature
// (with whichever Receiver the test passes) and records it, answering per path.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer } from "@stashkit/dev-server";
import { SETTLE_MS, sleep, waitFor } from "./waitFor.js";

/** What the destination answers to one request. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | "destroy"
  | "hang";

/** One request the destination received. */
export interface Delivery {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The absolute URL as the dev server addressed it (what `sub` must equal). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** Arrival time of the request line, Unix ms. */
  at: number;
  /** `Upstash-Retried`, as a number (NaN when absent). */
  retried: number;
  messageId: string | undefined;
  /** Whether the signature verified against `url` and the exact body. */
  signatureValid: boolean;
  signatureError?: string;
}

/** Checks a delivery's signature; rejects when it is invalid. */
export type Verifier = (input: { signature: string; body: Buffer; url: string }) => Promise<unknown>;

/** Decides the reply to a request; `attempt` counts requests on the same path from 0. */
export type Responder = (delivery: Delivery, attempt: number) => Reply;

/** A running recording destination. */
export interface RecordingDestination {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Sets the responder of one path (default: 200 `ok`). */
  route(path: string, responder: Responder): void;
  /** Deliveries received on `path`, in arrival order. */
  at(path: string): Delivery[];
  /** Waits until `path` has received at least `count` deliveries. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<Delivery[]>;
  /** Waits for `count` deliveries on `path`, then lets duplicates show up, and returns them all. */
  settled(path: string, count: number, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

/**
 * Starts a destination that verifies and records every request.
 * @param verify - The Receiver under test, wrapped as a {@link Verifier}.
 */
export async function startRecordingDestination(verify: Verifier): Promise<RecordingDestination> {
  const deliveries: Delivery[] = [];
  const routes = new Map<string, Responder>();
  const server = http.createServer((req, res) => {
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => void receive(req, res, Buffer.concat(chunks), arrivedAt));
  });

  async function receive(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, arrivedAt: number): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    const delivery: Delivery = {
      method: req.method ?? "",
      path,
      url: `http://${req.headers.host}${req.url ?? "/"}`,
      headers: req.headers,
      body,
      text: body.toString("utf8"),
      at: arrivedAt,
      retried: Number(req.headers["upstash-retried"]),
      messageId: header(req, "upstash-message-id"),
      signatureValid: false,
    };
    try {
      await verify({ signature: header(req, "upstash-signature") ?? "", body, url: delivery.url });
      delivery.signatureValid = true;
    } catch (error) {
      delivery.signatureError = error instanceof Error ? error.message : String(error);
    }
    const attempt = deliveries.filter((d) => d.path === path).length;
    deliveries.push(delivery);
    const reply: Reply = (routes.get(path) ?? okReply)(delivery, attempt);
    if (reply === "destroy") return void req.socket.destroy();
    if (reply === "hang") return;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body ?? "");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const at = (path: string) => deliveries.filter((d) => d.path === path);
  const waitForCount = (path: string, count: number, timeoutMs = 5000) =>
    waitFor(() => at(path).length >= count && at(path), { timeout: timeoutMs, what: `${count} deliveries on ${path}` });
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    route: (path, responder) => void routes.set(path, responder),
    at,
    waitFor: waitForCount,
    async settled(path, count, timeoutMs) {
      await waitForCount(path, count, timeoutMs);
      await sleep(SETTLE_MS);
      return at(path);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function okReply(): Reply {
  return { status: 200, body: "ok" };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** A URL on 127.0.0.1 where nothing listens (a port that was free a moment ago). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A dev server (fast default retries) and a recording destination verifying with its keys. */
export interface E2eHarness {
  readonly dev: DevServer;
  readonly dest: RecordingDestination;
  close(): Promise<void>;
}

/**
 * Starts the dev server and a destination whose verifier is built from the server's keys.
 * @param verifierFor - builds the Receiver under test from the dev server's signing keys
 */
export async function startE2eHarness(verifierFor: (keys: { currentSigningKey: string; nextSigningKey: string }) => Verifier): Promise<E2eHarness> {
  const dev = await startDevServer({ port: 0, defaultRetryDelay: () => 10 });
  const dest = await startRecordingDestination(verifierFor(dev));
  return {
    dev,
    dest,
    async close() {
      await dev.close();
      await dest.close();
    },
  };
}
