import { cancelledSchema, messageSchema, parseApiResponse } from "./apiSchemas.js";
import type { Cancelled, Message } from "./apiSchemas.js";
import { idSegment } from "./apiPath.js";
import { bulkSelectionQuery } from "./filterQuery.js";
import type { BulkSelection, MessageFilter } from "./filterQuery.js";
import type { Transport } from "./transport.js";

/** Filters accepted when cancelling messages in bulk. */
export type MessageCancelFilter = Omit<MessageFilter, "messageId">;

/**
 * Pending messages: read one, cancel one or many. Reached as `client.messages`.
 * @example
 * ```ts
 * await client.messages.cancel("msg_123");
 * ```
 */
export class Messages {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Reads a message that has not been delivered (or purged) yet.
   * @param messageId - id returned by `publish`.
   * @throws QStashHttpError `ERR_HTTP` with status 404 once the message is gone.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` on a malformed answer.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty id (nothing is sent).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * const message = await client.messages.get("msg_123");
   * console.log(message.url, message.notBefore);
   * ```
   */
  async get(messageId: string): Promise<Message> {
    const path = `/v2/messages/${idSegment("messageId", messageId)}`;
    const response = await this.#transport.send({ method: "GET", path, idempotent: true });
    return parseApiResponse(response.text, messageSchema);
  }

  /**
   * Cancels one pending message.
   * @param messageId - id returned by `publish`.
   * @throws QStashHttpError `ERR_HTTP` (404 for an unknown message).
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty id (nothing is sent).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.messages.cancel("msg_123");
   * ```
   */
  async cancel(messageId: string): Promise<void> {
    const path = `/v2/messages/${idSegment("messageId", messageId)}`;
    await this.#transport.send({ method: "DELETE", path, idempotent: true });
  }

  /**
   * Cancels many pending messages: by ids, by filter, or all of them (only
   * with an explicit `all: true`).
   * @param selection - `{ ids }`, `{ filter }` or `{ all: true }`.
   * @returns how many messages were cancelled.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty selection (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const { cancelled } = await client.messages.cancelMany({ filter: { queueName: "emails" } });
   * await client.messages.cancelMany({ ids: ["msg_1", "msg_2"] });
   * ```
   */
  async cancelMany(selection: BulkSelection<MessageCancelFilter>): Promise<Cancelled> {
    const query = bulkSelectionQuery("messageIds", selection);
    const response = await this.#transport.send({ method: "DELETE", path: "/v2/messages", query, idempotent: true });
    return parseApiResponse(response.text, cancelledSchema);
  }
}
