import type { ServerResponse } from "node:http";
import type { EventLog, LogEntry } from "../state/events.js";
import { toChange } from "./messageSummaries.js";
import type { SummaryChange } from "./shared/messageSummary.js";

/** How often pending changes are sent: a burst of thousands becomes a few messages per second. */
const FLUSH_MS = 100;
/** Changes held between two flushes at most; beyond it clients are told to reload the list. */
const MAX_PENDING = 20_000;
/** Unsent bytes a client may fall behind by before it is dropped (it reconnects and reloads). */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * The dashboard's server-sent event stream. It watches the event log only while a page is
 * connected, so a server nobody looks at does no extra work per delivery, and sends the
 * changes in batches every {@link FLUSH_MS} ms:
 *
 * - `hello` (`{"seq": n}`) on connect: the log position, so the page can load the list and
 *   drop the changes it already contains;
 * - `changes`: an array of {@link SummaryChange}, oldest first;
 * - `reset`: more changed than a batch holds; reload the list.
 *
 * @example
 * ```ts
 * const stream = new ChangeStream(ctx.events);
 * router.add("GET", "/_stashkit/stream", () => ({ write: (res) => stream.attach(res) }));
 * ```
 */
export class ChangeStream {
  readonly #events: EventLog;
  readonly #clients = new Set<ServerResponse>();
  #pending: SummaryChange[] = [];
  #overflow = false;
  #timer: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;

  /** @param events - The log to follow. */
  constructor(events: EventLog) {
    this.#events = events;
  }

  /** Pages connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Turns a response into an event stream; it ends when the client goes away.
   * @param res - The response of a `GET` request.
   */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.write(`event: hello\ndata: ${JSON.stringify({ seq: this.#events.lastSeq })}\n\n`);
    this.#clients.add(res);
    res.on("close", () => this.#detach(res));
    this.#unwatch ??= this.#events.watch((entry) => this.#record(entry));
  }

  #detach(res: ServerResponse): void {
    this.#clients.delete(res);
    if (this.#clients.size === 0) this.#stop();
  }

  #stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.#overflow = false;
  }

  #record(entry: LogEntry): void {
    if (this.#overflow) return;
    if (this.#pending.length >= MAX_PENDING) {
      this.#overflow = true;
      this.#pending = [];
    } else this.#pending.push(toChange(entry));
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#flush(), FLUSH_MS);
      this.#timer.unref();
    }
  }

  #flush(): void {
    this.#timer = undefined;
    const frame = this.#overflow
      ? "event: reset\ndata: {}\n\n"
      : `event: changes\ndata: ${JSON.stringify(this.#pending)}\n\n`;
    this.#pending = [];
    this.#overflow = false;
    for (const res of this.#clients) {
      if (res.writableLength > MAX_BACKLOG_BYTES) res.destroy();
      else res.write(frame);
    }
  }
}
