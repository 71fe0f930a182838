import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_CURRENT_SIGNING_KEY,
  DEFAULT_HOST,
  DEFAULT_MAX_TIMEOUT_MS,
  DEFAULT_NEXT_SIGNING_KEY,
  DEFAULT_PORT,
  DEFAULT_TOKEN,
} from "./defaults.js";
import { DeliveryEngine, qstashBackoff } from "./engine/deliveryEngine.js";
import { DeadLetterQueue } from "./state/dlq.js";
import type { LogObject } from "./state/events.js";
import { EventLog } from "./state/events.js";
import { createApiHandler } from "./api/httpApi.js";
import { dashboardRoutes } from "./dashboard/dashboardRoutes.js";
import { HttpSender } from "./engine/httpSender.js";
import type { PublishResult } from "./engine/publisher.js";
import { Publisher } from "./engine/publisher.js";
import { Router } from "./api/router.js";
import { dlqRoutes } from "./api/routes/dlqRoutes.js";
import { eventRoutes } from "./api/routes/eventRoutes.js";
import { flowControlRoutes } from "./api/routes/flowControlRoutes.js";
import { keyRoutes } from "./api/routes/keyRoutes.js";
import { messageRoutes } from "./api/routes/messageRoutes.js";
import { publishRoutes } from "./api/routes/publishRoutes.js";
import { queueRoutes } from "./api/routes/queueRoutes.js";
import { scheduleRoutes } from "./api/routes/scheduleRoutes.js";
import { urlGroupRoutes } from "./api/routes/urlGroupRoutes.js";
import { Scheduler } from "./lib/scheduler.js";
import type { Schedule } from "./state/schedules.js";
import { ScheduleRegistry } from "./state/schedules.js";
import type { ServerContext } from "./serverContext.js";
import { SigningKeys } from "./state/signingKeys.js";
import { UrlGroupRegistry } from "./state/urlGroups.js";

/** Where the dev server writes its own diagnostics. */
export interface DevServerLogger {
  /**
   * Reports a notable event, e.g. the listening URL.
   * @param message - one line of text
   */
  info(message: string): void;
  /**
   * Reports a failure the server survived (a request that threw, a delivery error).
   * @param message - one line of text
   * @param error - the underlying error, when there is one
   */
  error(message: string, error?: unknown): void;
}

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /**
   * Port to listen on; `0` picks a free one (read it back from `url`).
   * @default 8080
   */
  port?: number;
  /**
   * Interface to listen on. Loopback by default: the server has no TLS and a well-known token.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Bearer token the API requires.
   * @default the official dev server's token (`eyJVc2VySUQiOiJkZWZhdWx0VXNlciIs…`)
   */
  token?: string;
  /**
   * Key deliveries are signed with.
   * @default "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r"
   */
  currentSigningKey?: string;
  /**
   * Second key reported by `GET /v2/keys`.
   * @default "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs"
   */
  nextSigningKey?: string;
  /**
   * Diagnostics sink; `false` silences it.
   * @default false
   */
  logger?: DevServerLogger | false;
  /**
   * Back-off when a message has no `Upstash-Retry-Delay`: milliseconds before
   * the retry that follows `retried` retries. Tests pass a short one.
   * @param retried - retries already made (0 before the first retry)
   * @default QStash's `min(e^(2.5·(retried+1)), 86400)` seconds
   */
  defaultRetryDelay?: (retried: number) => number;
  /**
   * Upper bound of every attempt's timeout, in ms (`Upstash-Timeout` can only shorten it).
   * @default 900_000 (15 minutes)
   */
  maxTimeoutMs?: number;
  /**
   * Delivery attempts in flight at once, across all destinations.
   * @default 256
   */
  maxConcurrency?: number;
  /**
   * Log entries kept for `GET /v2/events`.
   * @default 100_000
   */
  maxEvents?: number;
  /**
   * Clock in Unix ms for timestamps, delays, retries and cron. Tests can shift it
   * (e.g. to just before a minute boundary) to see a schedule fire for real.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Largest accepted API request body, in bytes.
   * @default 10_485_760
   */
  maxBodyBytes?: number;
}

/** A running dev server. */
export interface DevServer {
  /** Base URL, e.g. `http://127.0.0.1:8080` (use as `QSTASH_URL`). */
  readonly url: string;
  /** Port actually bound. */
  readonly port: number;
  /** Bearer token (use as `QSTASH_TOKEN`). */
  readonly token: string;
  /** Current signing key (use as `QSTASH_CURRENT_SIGNING_KEY`); changes on rotation. */
  readonly currentSigningKey: string;
  /** Next signing key (use as `QSTASH_NEXT_SIGNING_KEY`); changes on rotation. */
  readonly nextSigningKey: string;
  /**
   * Subscribes to every message state change (the same objects `GET /v2/events` returns).
   * @param event - `"event"`
   * @param listener - called with each log entry
   * @returns the server, for chaining
   */
  on(event: "event", listener: (event: LogObject) => void): this;
  /**
   * Unsubscribes a listener added with {@link DevServer.on}.
   * @param event - `"event"`
   * @param listener - the listener to remove
   * @returns the server, for chaining
   */
  off(event: "event", listener: (event: LogObject) => void): this;
  /**
   * Fires a schedule now, exactly as its cron would (tests need not wait for a minute boundary).
   * @param scheduleId - id returned when the schedule was created
   * @returns The published messages, or `undefined` for an unknown schedule.
   */
  triggerSchedule(scheduleId: string): PublishResult[] | undefined;
  /**
   * Resolves when no message is pending (delayed, queued, retrying, in flight or
   * waiting for its callbacks), or once the server is closed. Polls every `pollMs`.
   * @param pollMs - Poll interval. @default 10
   */
  idle(pollMs?: number): Promise<void>;
  /** Stops timers, aborts deliveries in flight, closes every socket. Idempotent. */
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function buildContext(options: DevServerOptions, logger: DevServerLogger | undefined): ServerContext {
  const now = options.now ?? Date.now;
  const scheduler = new Scheduler(now, (error) => logger?.error("timer callback failed", error));
  const keys = new SigningKeys(
    options.currentSigningKey ?? DEFAULT_CURRENT_SIGNING_KEY,
    options.nextSigningKey ?? DEFAULT_NEXT_SIGNING_KEY,
  );
  const events = new EventLog(options.maxEvents, now);
  const dlq = new DeadLetterQueue(now);
  const maxConcurrency = options.maxConcurrency ?? 256;
  const engine = new DeliveryEngine(
    { scheduler, sender: new HttpSender(undefined, maxConcurrency), keys, events, dlq },
    {
      now,
      maxConcurrency,
      maxTimeoutMs: options.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS,
      defaultRetryDelay: options.defaultRetryDelay ?? qstashBackoff,
      onError: (error) => logger?.error("delivery engine error", error),
    },
  );
  const urlGroups = new UrlGroupRegistry(now);
  const publisher = new Publisher(engine, urlGroups, now);
  const fire = (schedule: Schedule): PublishResult[] => {
    const answer = publisher.publish({
      destination: schedule.destination,
      headers: schedule.headers,
      body: schedule.body,
      callerIp: schedule.callerIp,
      queueName: schedule.queueName,
      scheduleId: schedule.scheduleId,
      skipDeduplication: true,
    });
    return Array.isArray(answer) ? answer : [answer];
  };
  const schedules = new ScheduleRegistry(scheduler, now, fire);
  engine.onFinished((message) => schedules.messageFinished(message));
  return { engine, publisher, schedules, urlGroups, dlq, events, keys, now };
}

function buildRouter(ctx: ServerContext, token: string): Router {
  const router = new Router();
  keyRoutes(router, ctx);
  publishRoutes(router, ctx);
  messageRoutes(router, ctx);
  queueRoutes(router, ctx);
  dlqRoutes(router, ctx);
  scheduleRoutes(router, ctx);
  urlGroupRoutes(router, ctx);
  eventRoutes(router, ctx);
  flowControlRoutes(router, ctx);
  dashboardRoutes(router, ctx, { token: () => token });
  return router;
}

/**
 * Starts an in-memory QStash-compatible server: the v2 HTTP API plus a
 * delivery engine that signs, retries, delays, queues, rate-limits and calls
 * back like QStash. Defaults equal the official dev server's, so the official
 * SDK (and its dev mode probe) works against it unchanged.
 *
 * @param options - Port, host, credentials and test knobs; see {@link DevServerOptions}.
 * @returns The running server; call `close()` when done.
 * @throws Error with `code: "EADDRINUSE"` (from node:net) when the port is taken.
 * @example
 * ```ts
 * import { startDevServer } from "@stashkit/dev-server";
 * const dev = await startDevServer({ port: 0 });
 * process.env.QSTASH_URL = dev.url;
 * process.env.QSTASH_TOKEN = dev.token;
 * // … publish, receive signed deliveries …
 * await dev.close();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const logger = options.logger === false ? undefined : options.logger;
  const ctx = buildContext(options, logger);
  const token = options.token ?? DEFAULT_TOKEN;
  const server = http.createServer(
    { keepAliveTimeout: 5000 },
    createApiHandler({
      router: buildRouter(ctx, token),
      token: () => token,
      maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
      onError: (error) => logger?.error("request failed", error),
    }),
  );
  const address = await listen(server, options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const devServer: DevServer = {
    url: `http://${host}:${address.port}`,
    port: address.port,
    token,
    get currentSigningKey() {
      return ctx.keys.current;
    },
    get nextSigningKey() {
      return ctx.keys.next;
    },
    on(event, listener) {
      ctx.events.on(event, listener);
      return this;
    },
    off(event, listener) {
      ctx.events.off(event, listener);
      return this;
    },
    triggerSchedule: (scheduleId) => ctx.schedules.trigger(scheduleId),
    idle: (pollMs = 10) => waitIdle(ctx, pollMs, () => closing !== undefined),
    close() {
      closing ??= closeAll(server, ctx);
      return closing;
    },
  };
  logger?.info(`QStash dev server running at ${devServer.url}`);
  return devServer;
}

async function waitIdle(ctx: ServerContext, pollMs: number, closed: () => boolean): Promise<void> {
  while (!closed() && !ctx.engine.live().next().done) await new Promise((resolve) => setTimeout(resolve, pollMs));
}

function closeAll(server: http.Server, ctx: ServerContext): Promise<void> {
  ctx.engine.close();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
