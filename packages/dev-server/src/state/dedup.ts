import { createHash } from "node:crypto";
import { DEDUPLICATION_WINDOW_MS } from "../defaults.js";
import type { MessageSpec } from "../protocol/messageSpec.js";

/**
 * Remembers deduplication keys for a fixed window. Keys expire in insertion
 * order (the window is the same for all), so pruning only looks at the front.
 *
 * @example
 * ```ts
 * const window = new DedupWindow();
 * window.remember("order-42", "msg_1", Date.now());
 * window.lookup("order-42", Date.now()); // "msg_1"
 * ```
 */
export class DedupWindow {
  readonly #seen = new Map<string, { messageId: string; expires: number }>();
  readonly #windowMs: number;

  /** @param windowMs - How long a key is remembered. @default 600_000 (10 minutes) */
  constructor(windowMs = DEDUPLICATION_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /** Message id first published with `key` inside the window, if any. */
  lookup(key: string, now: number): string | undefined {
    this.#prune(now);
    return this.#seen.get(key)?.messageId;
  }

  /** Records `key` for the message just accepted. */
  remember(key: string, messageId: string, now: number): void {
    this.#seen.set(key, { messageId, expires: now + this.#windowMs });
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#seen) {
      if (entry.expires > now) return;
      this.#seen.delete(key);
    }
  }
}

/**
 * The deduplication key of a publish to `url`, or `undefined` when the publish
 * asks for none: an explicit `Upstash-Deduplication-Id`, or with content-based
 * deduplication a SHA-256 of the destination, the body, `Content-Type` and the
 * `Upstash-Forward-*` headers (the fields QStash's documentation lists).
 *
 * @param spec - Parsed publish headers.
 * @param url - Destination (each URL-group endpoint deduplicates separately).
 * @param body - Raw body bytes.
 */
export function deduplicationKey(spec: MessageSpec, url: string, body: Buffer): string | undefined {
  if (spec.deduplicationId !== undefined && spec.deduplicationId !== "") {
    return `id:${url}\n${spec.deduplicationId}`;
  }
  if (!spec.contentBasedDeduplication) return undefined;
  const hash = createHash("sha256").update(url).update("\n").update(body).update("\n");
  for (const name of Object.keys(spec.sourceHeader).sort()) hash.update(`${name}:${spec.sourceHeader[name]!.join(",")}\n`);
  return `content:${hash.digest("base64url")}`;
}
