// The page's copy of the message list: loaded once, then kept current from the server's
// change stream. Changes are applied in batches, at most once per animation frame, and
// listeners hear about each batch once, so a burst of thousands costs a few renders.
import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageList, MessageSummary, SummaryChange } from "../shared/messageSummary.js";
import { applyChange } from "../shared/messageSummary.js";
import { api, authHeaders } from "./api.js";

/** Connection state shown in the header. */
export type StreamStatus = "connecting" | "live" | "reconnecting";

type Listener = (changes: readonly SummaryChange[]) => void;

const RECONNECT_MS = 1000;
/** Rows the page keeps at most; the oldest go first (a long session must not grow without bound). */
const MAX_ROWS = 50_000;

/** One server-sent event. */
interface StreamEvent {
  event: string;
  data: string;
}

function parseFrame(frame: string): StreamEvent | undefined {
  let event = "message";
  const data: string[] = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  return data.length === 0 ? undefined : { event, data: data.join("\n") };
}

/**
 * Messages known to the page, oldest first, plus the connection to the change stream.
 * `version` grows with every applied batch.
 */
export class MessageStore {
  rows: MessageSummary[] = [];
  readonly byId = new Map<string, MessageSummary>();
  version = 0;
  status: StreamStatus = "connecting";
  /** Messages the server matched but did not send (beyond the list's limit). */
  omitted = 0;
  readonly #listeners = new Set<Listener>();
  #queue: SummaryChange[] = [];
  #scheduled = false;
  #listSeq = Number.POSITIVE_INFINITY;
  #loaded = false;
  #buffered: SummaryChange[] = [];
  #stopped = false;
  #abort: AbortController | undefined;

  /** Calls `listener` after each applied batch with the changes in it; returns an unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects (and reconnects after a drop) until {@link stop}. */
  start(): void {
    void this.#connect();
  }

  /** Closes the stream. */
  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
  }

  async #connect(): Promise<void> {
    while (!this.#stopped) {
      this.#abort = new AbortController();
      try {
        const response = await fetch("/_stashkit/stream", { headers: authHeaders(), signal: this.#abort.signal });
        if (!response.ok || response.body === null) throw new Error(`stream answered ${response.status}`);
        await this.#read(response.body);
      } catch {
        // Dropped or refused: fall through to the retry below.
      }
      if (this.#stopped) return;
      this.#setStatus("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf("\n\n");
      while (end !== -1) {
        const event = parseFrame(text.slice(0, end));
        text = text.slice(end + 2);
        if (event !== undefined) this.#handle(event);
        end = text.indexOf("\n\n");
      }
    }
  }

  #handle({ event, data }: StreamEvent): void {
    if (event === "hello" || event === "reset") {
      void this.#reload();
    } else if (event === "changes") {
      const changes = JSON.parse(data) as SummaryChange[];
      if (this.#loaded) this.#enqueue(changes);
      else this.#buffered.push(...changes);
    }
  }

  /** Loads the whole list again; changes that arrive meanwhile wait and are replayed. */
  async #reload(): Promise<void> {
    this.#loaded = false;
    this.#buffered = [];
    try {
      const list = await api<MessageList>("GET", "/_stashkit/messages");
      this.#listSeq = list.seq;
      this.rows = list.messages.slice().reverse();
      this.byId.clear();
      for (const row of this.rows) this.byId.set(row.id, row);
      this.omitted = list.total - list.messages.length;
      this.#loaded = true;
      this.#setStatus("live");
      const pending = this.#buffered.filter((change) => change.seq > this.#listSeq);
      this.#buffered = [];
      this.#queue = [];
      this.#enqueue(pending, true);
    } catch {
      this.#abort?.abort();
    }
  }

  #enqueue(changes: SummaryChange[], force = false): void {
    for (const change of changes) this.#queue.push(change);
    if (this.#scheduled || (!force && this.#queue.length === 0)) return;
    this.#scheduled = true;
    // Hidden tabs get no animation frames; a timer keeps the queue from growing there.
    if (document.hidden) setTimeout(() => this.#apply(), 250);
    else requestAnimationFrame(() => this.#apply());
  }

  #apply(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    for (const change of batch) {
      if (change.seq <= this.#listSeq) continue;
      const known = this.byId.has(change.id);
      const row = applyChange(this.byId, change);
      if (row !== undefined && !known) this.rows.push(row);
    }
    if (this.rows.length > MAX_ROWS) {
      const dropped = this.rows.splice(0, this.rows.length - MAX_ROWS);
      for (const row of dropped) this.byId.delete(row.id);
      this.omitted += dropped.length;
    }
    this.version += 1;
    for (const listener of this.#listeners) listener(batch);
  }

  #setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.version += 1;
    for (const listener of this.#listeners) listener([]);
  }
}

/** The page's one store. */
export const store = new MessageStore();

/** Re-renders the calling component after every batch; returns the store's version. */
export function useStoreVersion(): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), []);
  return version;
}

/**
 * Calls `refresh` when a batch contains a change `relevant` accepts, at most once per
 * `intervalMs` (views that fetch their own data follow the stream this way).
 */
export function useRefreshOn(relevant: (change: SummaryChange) => boolean, refresh: () => void, intervalMs = 500): void {
  const latest = useRef({ relevant, refresh });
  latest.current = { relevant, refresh };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const unsubscribe = store.subscribe((changes) => {
      if (timer !== undefined || !changes.some((change) => latest.current.relevant(change))) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          last = Date.now();
          latest.current.refresh();
        },
        Math.max(0, last + intervalMs - Date.now()),
      );
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [intervalMs]);
}
