import { BodyTooLargeError } from "./handlerErrors.js";

/**
 * A Node-style readable (`IncomingMessage`), typed structurally so core needs
 * no `node:` import. Read through events: an async iterator costs several
 * promises per chunk and destroys the socket when reading stops early.
 */
export interface ChunkEmitter {
  /**
   * Subscribes to body chunks.
   * @param event - `"data"`
   * @param listener - called with each chunk
   */
  on(event: "data", listener: (chunk: Uint8Array | string) => void): unknown;
  /**
   * Subscribes to the end of the body.
   * @param event - `"end"`
   * @param listener - called once every chunk was emitted
   */
  on(event: "end", listener: () => void): unknown;
  /**
   * Subscribes to stream failures.
   * @param event - `"error"`
   * @param listener - called with the stream's error
   */
  on(event: "error", listener: (error: Error) => void): unknown;
  /**
   * Unsubscribes a listener once reading is done or refused.
   * @param event - the event it was added for
   * @param listener - the listener to remove
   */
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  /** Stops the flow of chunks when the body is refused, so the rest is not buffered. */
  pause(): unknown;
}

/** Everything `readBody` reads. */
export type BodySource = Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | ChunkEmitter;

const encoder = new TextEncoder();

/** Default request body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body into one `Uint8Array`, refusing it as soon as the byte
 * count passes `limit` (counted per chunk, never after buffering everything).
 *
 * @param body - bytes already in memory, or a stream of chunks
 * @param limit - maximum number of bytes accepted
 * @returns the exact bytes received
 * @throws BodyTooLargeError (`ERR_BODY_TOO_LARGE`) once the limit is passed
 * @example
 * ```ts
 * const bytes = await readBody(request.body!, 1024 * 1024);
 * ```
 */
export function readBody(body: BodySource, limit: number): Promise<Uint8Array> {
  // Not async: a Node stream's promise is returned as it is, sparing the extra ticks an async
  // function spends adopting it. Still never throws: every failure is a rejection.
  try {
    if (body instanceof Uint8Array) {
      return body.byteLength > limit ? Promise.reject(new BodyTooLargeError(limit)) : Promise.resolve(body);
    }
    return isChunkEmitter(body) ? readEmitter(body, limit) : readChunks(body, limit);
  } catch (error) {
    return Promise.reject(error);
  }
}

async function readChunks(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of iterate(body)) {
    total += chunk.byteLength;
    if (total > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return concat(chunks, total);
}

function isChunkEmitter(body: BodySource): body is ChunkEmitter {
  const candidate = body as Partial<ChunkEmitter>;
  return typeof candidate.on === "function" && typeof candidate.pause === "function";
}

function readEmitter(body: ChunkEmitter, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => new EmitterReader(body, limit, resolve, reject));
}

// Stops listening (and pauses) at the first chunk past the limit; the host drains or closes
// the connection after answering. A class with three bound listeners rather than four local
// closures: this runs once per delivery, and named closures are re-created (and, under
// keepNames transpilers such as tsx, renamed with defineProperty) on every call.
class EmitterReader {
  readonly #body: ChunkEmitter;
  readonly #limit: number;
  readonly #resolve: (bytes: Uint8Array) => void;
  readonly #reject: (error: unknown) => void;
  readonly #chunks: Uint8Array[] = [];
  #total = 0;
  readonly #onData: (data: Uint8Array | string) => void;
  readonly #onEnd: () => void;
  readonly #onError: (error: Error) => void;

  constructor(body: ChunkEmitter, limit: number, resolve: (bytes: Uint8Array) => void, reject: (error: unknown) => void) {
    this.#body = body;
    this.#limit = limit;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#onData = this.#data.bind(this);
    this.#onEnd = this.#end.bind(this);
    this.#onError = this.#error.bind(this);
    body.on("data", this.#onData);
    body.on("end", this.#onEnd);
    body.on("error", this.#onError);
  }

  #data(data: Uint8Array | string): void {
    // A stream with setEncoding() emits strings; hash what was sent, as UTF-8.
    const chunk = typeof data === "string" ? encoder.encode(data) : data;
    this.#total += chunk.byteLength;
    if (this.#total <= this.#limit) return void this.#chunks.push(chunk);
    this.#stop();
    this.#body.pause();
    this.#reject(new BodyTooLargeError(this.#limit));
  }

  #end(): void {
    this.#stop();
    this.#resolve(concat(this.#chunks, this.#total));
  }

  #error(error: Error): void {
    this.#stop();
    this.#reject(error);
  }

  #stop(): void {
    this.#body.removeListener("data", this.#onData);
    this.#body.removeListener("end", this.#onEnd);
    this.#body.removeListener("error", this.#onError);
  }
}

// A web stream is read with its reader even when it is also async-iterable: some
// runtimes (Next's Edge sandbox) expose a stream whose iterator does not work.
function iterate(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  if (typeof (body as Partial<ReadableStream<Uint8Array>>).getReader === "function") {
    return streamChunks(body as ReadableStream<Uint8Array>);
  }
  return body as AsyncIterable<Uint8Array>;
}

// Cancel the stream when we stop early so the upstream connection is released.
async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
