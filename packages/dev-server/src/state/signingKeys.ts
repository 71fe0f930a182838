import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function newKey(): string {
  let key = "sig_";
  for (const byte of randomBytes(28)) key += ALPHABET[byte % 62];
  return key;
}

/**
 * The account's signing key pair. Deliveries are signed with `current`;
 * rotation promotes `next` and mints a new `next` (wire spec 3.5).
 *
 * @example
 * ```ts
 * const keys = new SigningKeys("sig_a", "sig_b");
 * keys.rotate(); // { current: "sig_b", next: "sig_…" }
 * ```
 */
export class SigningKeys {
  current: string;
  next: string;

  /**
   * @param current - Key used to sign.
   * @param next - Key receivers accept as a fallback.
   */
  constructor(current: string, next: string) {
    this.current = current;
    this.next = next;
  }

  /** Promotes `next` to `current` and generates a fresh `next`. */
  rotate(): { current: string; next: string } {
    this.current = this.next;
    this.next = newKey();
    return this.toJSON();
  }

  /** `{ current, next }` as `GET /v2/keys` returns it. */
  toJSON(): { current: string; next: string } {
    return { current: this.current, next: this.next };
  }
}
