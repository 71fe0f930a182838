import { QStashNetworkError } from "./clientErrors.js";
import { QStashHttpError } from "../errors.js";
import { isRetryableNetworkError, isRetryableStatus, parseRetryAfter } from "./retryPolicy.js";
import type { ResolvedRetry } from "./retryPolicy.js";

/** A `fetch`-compatible function (the global one, undici's, a test double, …). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One call to the QStash API, described before it is sent. */
export interface ApiCall {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path after the base URL, starting with `/v2/`; destinations may be appended verbatim. */
  path: string;
  query?: URLSearchParams;
  headers?: Headers;
  body?: string | Uint8Array<ArrayBuffer>;
  /**
   * Whether sending the call twice has the same effect as sending it once.
   * Decides which failures are retried (see `retryPolicy.ts`).
   */
  idempotent: boolean;
}

/** A successful (2xx) API answer, body already read. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** What the transport needs from the client. */
export interface TransportConfig {
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  retry: ResolvedRetry;
  /** Per-attempt limit in ms, or `undefined` for none. */
  timeout?: number | undefined;
}

/** The longest server error text kept on a `QStashHttpError`. */
const MAX_ERROR_TEXT = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends API calls with the bearer token and retries them according to the
 * retry policy; turns the final failure into `QStashHttpError` or
 * `QStashNetworkError`.
 */
export class Transport {
  readonly #config: TransportConfig;

  constructor(config: TransportConfig) {
    this.#config = config;
  }

  /** The base URL requests go to, without a trailing slash. */
  get baseUrl(): string {
    return this.#config.baseUrl;
  }

  /** The bearer token (never logged or put into error messages). */
  get token(): string {
    return this.#config.token;
  }

  /**
   * Sends a call built from a path.
   * @throws QStashHttpError `ERR_HTTP` on a final non-2xx status.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   */
  send(call: ApiCall): Promise<ApiResponse> {
    const query = call.query?.toString();
    const url = `${this.#config.baseUrl}${call.path}${query ? `?${query}` : ""}`;
    const headers = new Headers(call.headers);
    return this.#sendWithRetries(url, { method: call.method, headers, body: call.body }, call.idempotent);
  }

  /**
   * Sends a prebuilt `Request` (from `buildPublishRequest`). Its body is read
   * once into bytes so every retry resends exactly the same bytes.
   */
  async sendRequest(request: Request, idempotent: boolean): Promise<ApiResponse> {
    const bytes = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const init = { method: request.method, headers: new Headers(request.headers), body: bytes };
    return this.#sendWithRetries(request.url, init, idempotent);
  }

  async #sendWithRetries(url: string, init: RequestInit & { headers: Headers }, idempotent: boolean) {
    if (!init.headers.has("authorization")) init.headers.set("authorization", `Bearer ${this.#config.token}`);
    const { retries } = this.#config.retry;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#attempt(url, init);
      const last = attempt >= retries;
      if (outcome.kind === "response") {
        const { response, text } = outcome;
        if (response.ok) return { status: response.status, headers: response.headers, text };
        const delay = this.#statusRetryDelay(response, attempt, idempotent);
        if (last || delay === undefined) throw new QStashHttpError(response.status, errorText(text));
        await sleep(delay);
      } else {
        if (last || !isRetryableNetworkError(outcome.error, idempotent)) {
          throw new QStashNetworkError(attempt + 1, { cause: outcome.error });
        }
        await sleep(this.#config.retry.backoff(attempt));
      }
    }
  }

  async #attempt(url: string, init: RequestInit): Promise<Attempt> {
    const { timeout } = this.#config;
    try {
      const signal = timeout === undefined ? undefined : AbortSignal.timeout(timeout);
      const response = await this.#config.fetch(url, { ...init, signal });
      // Reading the body inside the try: a reset mid-body is a network failure too.
      return { kind: "response", response, text: await response.text() };
    } catch (error) {
      return { kind: "error", error };
    }
  }

  /** Delay before retrying a failed status, or `undefined` when it must not be retried. */
  #statusRetryDelay(response: Response, attempt: number, idempotent: boolean): number | undefined {
    if (!isRetryableStatus(response.status, idempotent)) return undefined;
    const { backoff, maxRetryAfter } = this.#config.retry;
    const serverDelay = parseRetryAfter(response.headers.get("retry-after"));
    if (serverDelay === undefined) return backoff(attempt);
    // Waiting less than the server asked would only earn another refusal.
    return serverDelay <= maxRetryAfter ? serverDelay : undefined;
  }
}

type Attempt = { kind: "response"; response: Response; text: string } | { kind: "error"; error: unknown };

/** The server's `{"error": "..."}` text, or the raw body when it is not that shape. */
export function errorText(body: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { error?: unknown }).error === "string") {
      text = (parsed as { error: string }).error;
    }
  } catch {
    // Not JSON: the raw text is the best description available.
  }
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}
