import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// One system call fills randomness for ~150 ids: a call per id was a visible share of the
// per-message cost.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * Random base62 text; ids are opaque to clients, so only uniqueness (and not being guessable)
 * matters.
 * @param length - Characters.
 */
export function randomBase62(length: number): string {
  if (offset + length > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let out = "";
  for (let i = offset; i < offset + length; i += 1) out += ALPHABET[pool[i]! % 62];
  offset += length;
  return out;
}

/** A new message id (`msg_…`). */
export function newMessageId(): string {
  return `msg_${randomBase62(28)}`;
}

/** A new schedule id (`scd_…`). */
export function newScheduleId(): string {
  return `scd_${randomBase62(24)}`;
}

let dlqSequence = 0;

/** A DLQ id in the hosted service's `<ms>-<seq>` form. */
export function newDlqId(now: number): string {
  dlqSequence += 1;
  return `${now}-${dlqSequence}`;
}
