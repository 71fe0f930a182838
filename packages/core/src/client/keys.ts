import { parseApiResponse, signingKeysSchema } from "./apiSchemas.js";
import type { SigningKeys } from "./apiSchemas.js";
import type { Transport } from "./transport.js";

/**
 * The account's signing keys. Reached as `client.keys`.
 * @example
 * ```ts
 * const { current, next } = await client.keys.get();
 * ```
 */
export class Keys {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Reads the current and next signing keys.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when a key is missing.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * const { current, next } = await client.keys.get();
   * ```
   */
  async get(): Promise<SigningKeys> {
    const response = await this.#transport.send({ method: "GET", path: "/v2/keys", idempotent: true });
    return parseApiResponse(response.text, signingKeysSchema);
  }

  /**
   * Rotates the keys: the new current key is the old next key. Never retried
   * after the request may have reached the server, because rotating twice
   * would lock out receivers that still know the old pair.
   * @returns the new pair.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when a key is missing.
   * @example
   * ```ts
   * const { current, next } = await client.keys.rotate();
   * ```
   */
  async rotate(): Promise<SigningKeys> {
    const response = await this.#transport.send({ method: "POST", path: "/v2/keys/rotate", idempotent: false });
    return parseApiResponse(response.text, signingKeysSchema);
  }
}
