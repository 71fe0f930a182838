import { InvalidOptionError } from "../errors.js";

/**
 * Remembers token ids (`jti`) so a captured delivery cannot be replayed while its token is
 * still valid. Implement it over Redis (`SET jti 1 NX PXAT expiresAt`) for several instances.
 *
 * @example
 * ```ts
 * // Redis (node-redis 4+): SET NX with an absolute expiry; null means the key already existed.
 * const store: ReplayStore = {
 *   async seen(jti, expiresAt) {
 *     return (await redis.set(`qstash:jti:${jti}`, "1", { NX: true, PXAT: expiresAt })) === null;
 *   },
 * };
 * ```
 */
export interface ReplayStore {
  /**
   * Records `jti` and says whether it had been recorded before.
   *
   * @param jti - the token id.
   * @param expiresAt - Unix **milliseconds** after which the token can no longer verify
   *   (its `exp` plus the clock tolerance); the store may forget the id afterwards.
   * @returns `true` when the id was already seen (a replay), `false` on first sight; a
   *   promise of it for remote stores. Rejecting (or any other value) refuses the delivery.
   */
  seen(jti: string, expiresAt: number): boolean | Promise<boolean>;
}

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /**
   * Most ids kept. When full, the entry closest to expiry is dropped first, which can let a
   * replay of that token through: size it above your peak deliveries per token lifetime
   * (5 minutes).
   * @default 100_000
   */
  maxEntries?: number;
  /**
   * Clock in Unix milliseconds (tests).
   * @default Date.now
   */
  clock?: () => number;
}

/**
 * An in-process {@link ReplayStore}: an LRU map of ids that forgets each id once its token
 * has expired. Suits a single instance; use a shared store when you run several.
 *
 * @param options - capacity and clock.
 * @returns a store for the `replayGuard` option of `Receiver`.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `maxEntries` is not a positive integer.
 * @example
 * ```ts
 * const receiver = new Receiver({ currentSigningKey, nextSigningKey, replayGuard: createMemoryReplayStore() });
 * ```
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new InvalidOptionError("maxEntries", "must be a positive integer");
  }
  const clock = options.clock ?? Date.now;
  // Insertion order ≈ expiry order (every QStash token lives 300 s), so the oldest entry is
  // both the least recently added and the next to expire.
  const entries = new Map<string, number>();

  const sweep = (now: number): void => {
    for (const [jti, expiresAt] of entries) {
      if (expiresAt > now) break;
      entries.delete(jti);
    }
  };

  return {
    seen(jti, expiresAt) {
      const now = clock();
      sweep(now);
      const known = entries.get(jti);
      if (known !== undefined && known > now) return true;
      entries.delete(jti);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(jti, expiresAt);
      return false;
    },
  };
}
