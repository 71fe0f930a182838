import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 text; ids are opaque to clients, so only uniqueness matters. */
function base62(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % 62];
  return out;
}

/** A new message id (`msg_…`). */
export function newMessageId(): string {
  return `msg_${base62(28)}`;
}

/** A new schedule id (`scd_…`). */
export function newScheduleId(): string {
  return `scd_${base62(24)}`;
}

let dlqSequence = 0;

/** A DLQ id in the hosted service's `<ms>-<seq>` form. */
export function newDlqId(now: number): string {
  dlqSequence += 1;
  return `${now}-${dlqSequence}`;
}
