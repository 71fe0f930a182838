/**
 * First-in first-out list with O(1) push, shift and remove (a plain array's `shift` is O(n),
 * and so is removing from the middle, which made cancelling 30,000 queued messages quadratic).
 * Removal is lazy: the slot is skipped when the head reaches it. An item may be in the list
 * at most once.
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  readonly #members = new Set<T>();

  /** Number of items. */
  get length(): number {
    return this.#members.size;
  }

  /** @internal Slots held, live or removed: what the list keeps reachable. */
  get slots(): number {
    return this.#items.length - this.#head;
  }

  /** Appends an item. */
  push(item: T): void {
    this.#members.add(item);
    this.#items.push(item);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined;
      this.#head += 1;
      if (this.#members.delete(item)) {
        this.#compact();
        return item;
      }
    }
    this.#compact();
    return undefined;
  }

  /** Removes one item wherever it is; false when it is not in the list. */
  remove(item: T): boolean {
    if (!this.#members.delete(item)) return false;
    // Removed slots still hold their item until the head passes them: rebuild once they
    // outnumber the live ones, so a list that rarely shifts cannot keep removed items alive.
    const slots = this.#items.length - this.#head;
    if (slots > 1024 && slots > 2 * this.#members.size) {
      this.#items = [...this];
      this.#head = 0;
    }
    return true;
  }

  /** Items oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i += 1) {
      const item = this.#items[i] as T;
      if (this.#members.has(item)) yield item;
    }
  }

  /** Removes every item and returns them oldest first. */
  drain(): T[] {
    const items = [...this];
    this.#items = [];
    this.#head = 0;
    this.#members.clear();
    return items;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
