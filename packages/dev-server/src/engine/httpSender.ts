import { Agent } from "undici";
import type { Dispatcher } from "undici";
import type { AttemptOutcome } from "../state/responseRecord.js";
import { errorOutcome, responseOutcome } from "../state/responseRecord.js";

/** One HTTP request of a delivery attempt. */
export interface OutgoingRequest {
  /** `scheme://host:port` of the destination. */
  origin: string;
  /** Path and query, as sent in the request line. */
  path: string;
  method: string;
  /** Flat `[name, value, …]` list. */
  headers: string[];
  body: Buffer;
  timeoutMs: number;
}

/** Receives the outcome of one attempt, with the context it was sent with. */
export type AttemptDone<C> = (context: C, outcome: AttemptOutcome) => void;

/**
 * One attempt in flight: undici's low-level handler (no response stream, no promise), the
 * attempt's timeout, and the response kept for callbacks, the DLQ and the log.
 */
class Attempt<C> implements Dispatcher.DispatchHandlers {
  #abort: ((error: Error) => void) | undefined;
  #timer: NodeJS.Timeout | number | undefined;
  #status = 0;
  #headers: Buffer[] = [];
  #chunks: Buffer[] = [];
  #kept = 0;
  #settled = false;

  constructor(
    readonly sender: HttpSender,
    readonly context: C,
    readonly done: AttemptDone<C>,
    readonly maxResponseBytes: number,
    readonly timeoutMs: number,
  ) {
    this.#timer = setTimeout(timeOut, timeoutMs, this);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.#abort = abort;
    if (this.#settled) abort(new Error("attempt already settled"));
  }

  onHeaders(statusCode: number, headers: Buffer[] | string[] | null): boolean {
    this.#status = statusCode;
    this.#headers = (headers ?? []) as Buffer[];
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#kept < this.maxResponseBytes) {
      const part = chunk.length <= this.maxResponseBytes - this.#kept ? chunk : chunk.subarray(0, this.maxResponseBytes - this.#kept);
      this.#chunks.push(part);
      this.#kept += part.length;
    }
    return true;
  }

  onComplete(): void {
    const raw = this.#headers.map((item) => item.toString("latin1"));
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.finish(responseOutcome(this.#status, raw, body));
  }

  onError(error: Error): void {
    this.finish(errorOutcome(describe(error)));
  }

  /** Settles the attempt once, whatever happens first: response, error, timeout or close. */
  finish(outcome: AttemptOutcome, abortWith?: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.sender.inFlight.delete(this);
    if (abortWith !== undefined) this.#abort?.(abortWith);
    this.done(this.context, outcome);
  }
}

function timeOut(attempt: Attempt<unknown>): void {
  const message = `request timed out after ${attempt.timeoutMs}ms`;
  attempt.finish(errorOutcome(message), new Error(message));
}

/**
 * Sends delivery attempts over undici's connection pools (about a third of the CPU of
 * `node:http` per request on loopback, measured in bench/devserver.bench.ts), with connections
 * kept alive and reused for a busy destination. Every attempt settles exactly once, with a
 * response or an error text; `close()` aborts the ones in flight. Redirects are not followed
 * and nothing is retried here: the engine counts attempts.
 *
 * @example
 * ```ts
 * const sender = new HttpSender();
 * sender.send({ origin, path: "/hook", method: "POST", headers: [], body, timeoutMs: 5000 }, message, onOutcome);
 * ```
 */
export class HttpSender {
  readonly #agent: Agent;
  readonly #maxResponseBytes: number;
  /** @internal Attempts in flight, so `close()` can settle them. */
  readonly inFlight = new Set<Attempt<any>>();
  #closed = false;

  /**
   * @param maxResponseBytes - Response bytes kept for callbacks, DLQ and logs. @default 1_048_576
   * @param maxSockets - Open connections per destination origin. @default 256
   */
  constructor(maxResponseBytes = 1_048_576, maxSockets = 256) {
    this.#maxResponseBytes = maxResponseBytes;
    this.#agent = new Agent({
      connections: maxSockets,
      pipelining: 1,
      // Idle connections close before Node servers' 5 s keep-alive timeout, so a request is
      // rarely written to a socket the server is closing.
      keepAliveTimeout: 4000,
      keepAliveMaxTimeout: 4000,
      // The engine times each attempt itself (Upstash-Timeout, up to 15 minutes).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /**
   * Sends one attempt; `done` is called exactly once, never synchronously throwing into the caller.
   * @param request - What to send.
   * @param context - Handed back to `done`.
   * @param done - Receives the outcome.
   */
  send<C>(request: OutgoingRequest, context: C, done: AttemptDone<C>): void {
    if (this.#closed) {
      queueMicrotask(() => done(context, errorOutcome("dev server closed")));
      return;
    }
    const attempt = new Attempt(this, context, done, this.#maxResponseBytes, request.timeoutMs);
    this.inFlight.add(attempt);
    const empty = request.body.length === 0 && (request.method === "GET" || request.method === "HEAD");
    try {
      this.#agent.dispatch(
        { origin: request.origin, path: request.path, method: request.method as Dispatcher.HttpMethod, headers: request.headers, body: empty ? null : request.body },
        attempt,
      );
    } catch (error) {
      queueMicrotask(() => attempt.finish(errorOutcome(describe(error))));
    }
  }

  /** Aborts attempts in flight and closes every connection. */
  close(): void {
    this.#closed = true;
    for (const attempt of [...this.inFlight]) attempt.finish(errorOutcome("dev server closed"), new Error("dev server closed"));
    void this.#agent.destroy().catch(() => {});
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return "request failed";
}
