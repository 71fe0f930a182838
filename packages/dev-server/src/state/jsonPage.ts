/**
 * Largest page of a listing, in bytes of JSON. Entries can hold 10 MiB bodies, and a page of
 * 1,000 of them would be a string V8 refuses to build (the process used to die on it).
 */
const PAGE_BYTES = 8 * 1024 * 1024;

/**
 * A page of a listing, serialised entry by entry so that its size is known before it is sent:
 * it is full at `maxItems` entries or `maxBytes` of JSON, but always takes at least one entry.
 *
 * @example
 * ```ts
 * const page = new JsonPage(100);
 * if (!page.add(item)) cursor = nextCursor;
 * send(page.toJson("messages", cursor));
 * ```
 */
export class JsonPage {
  readonly #parts: string[] = [];
  #bytes = 0;
  readonly #maxItems: number;
  readonly #maxBytes: number;

  /**
   * @param maxItems - Entries per page (the `count` asked for).
   * @param maxBytes - JSON bytes per page. @default 8_388_608 (8 MiB)
   */
  constructor(maxItems: number, maxBytes = PAGE_BYTES) {
    this.#maxItems = maxItems;
    this.#maxBytes = maxBytes;
  }

  /** Entries on the page. */
  get length(): number {
    return this.#parts.length;
  }

  /** Whether the page already holds `maxItems` entries. */
  get full(): boolean {
    return this.#parts.length >= this.#maxItems;
  }

  /**
   * Adds an entry unless the page is full or the entry would take it over `maxBytes`.
   * @returns false when the entry belongs on the next page.
   */
  add(item: unknown): boolean {
    if (this.full) return false;
    const text = JSON.stringify(item);
    if (this.#parts.length > 0 && this.#bytes + text.length > this.#maxBytes) return false;
    this.#parts.push(text);
    this.#bytes += text.length + 1;
    return true;
  }

  /**
   * The response body: `{"cursor": …, "<listKey>": [...]}`, without `cursor` on the last page.
   * @param listKey - `events`, `logs`, `messages`.
   * @param cursor - Where the next page starts, if there is one.
   */
  toJson(listKey: string, cursor: string | undefined): string {
    const head = cursor === undefined ? "{" : `{"cursor":${JSON.stringify(cursor)},`;
    return `${head}${JSON.stringify(listKey)}:[${this.#parts.join(",")}]}`;
  }
}
