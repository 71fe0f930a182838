import {
  deletedSchema,
  dlqListSchema,
  dlqMessageSchema,
  dlqRetriedSchema,
  messageIdSchema,
  parseApiResponse,
} from "./apiSchemas.js";
import type { DlqDeleted, DlqList, DlqMessage, DlqRetried } from "./apiSchemas.js";
import { idSegment } from "./apiPath.js";
import { bulkSelectionQuery, toQuery } from "./filterQuery.js";
import type { BulkSelection, MessageFilter } from "./filterQuery.js";
import type { Transport } from "./transport.js";

/** Filters accepted by the DLQ. */
export type DlqFilter = Omit<MessageFilter, "host" | "path"> & {
  /** Status(es) of the last failed delivery attempt. */
  responseStatus?: number | number[];
};

/** Paging for DLQ calls. */
export interface DlqPage {
  /** Cursor from the previous page. */
  cursor?: string;
  /**
   * Entries per page (the server caps it at 100).
   * @default server default (100)
   */
  count?: number;
}

/** Options of {@link Dlq.list}. */
export interface DlqListOptions extends DlqPage {
  /** Only these DLQ ids (filters are then ignored). */
  dlqIds?: readonly string[];
  /** Only entries matching this filter. */
  filter?: DlqFilter;
}

/**
 * The dead-letter queue: messages that ran out of retries. Reached as `client.dlq`.
 * @example
 * ```ts
 * const { messages } = await client.dlq.list();
 * ```
 */
export class Dlq {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists one page of DLQ entries.
   * @param options - paging, ids or filter.
   * @returns `{ messages, cursor? }`; call again with `cursor` until it is absent.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * let cursor: string | undefined;
   * do {
   *   const page = await client.dlq.list({ cursor, filter: { queueName: "emails" } });
   *   for (const entry of page.messages) console.log(entry.dlqId, entry.responseStatus);
   *   cursor = page.cursor;
   * } while (cursor);
   * ```
   */
  async list(options: DlqListOptions = {}): Promise<DlqList> {
    const { cursor, count, dlqIds, filter } = options;
    const selection = dlqIds !== undefined && dlqIds.length > 0 ? { dlqIds } : (filter ?? {});
    const query = toQuery({ ...selection, cursor, count });
    const response = await this.#transport.send({ method: "GET", path: "/v2/dlq", query, idempotent: true });
    return parseApiResponse(response.text, dlqListSchema);
  }

  /**
   * Reads one DLQ entry.
   * @param dlqId - the entry's DLQ id.
   * @throws QStashHttpError `ERR_HTTP` with status 404 for an unknown id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty id (nothing is sent).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const entry = await client.dlq.get("1725323658779-0");
   * ```
   */
  async get(dlqId: string): Promise<DlqMessage> {
    const path = `/v2/dlq/${idSegment("dlqId", dlqId)}`;
    const response = await this.#transport.send({ method: "GET", path, idempotent: true });
    return parseApiResponse(response.text, dlqMessageSchema);
  }

  /**
   * Deletes one DLQ entry.
   * @param dlqId - the entry's DLQ id.
   * @throws QStashHttpError `ERR_HTTP` with status 404 for an unknown id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty id (nothing is sent).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.dlq.delete("1725323658779-0");
   * ```
   */
  async delete(dlqId: string): Promise<void> {
    const path = `/v2/dlq/${idSegment("dlqId", dlqId)}`;
    await this.#transport.send({ method: "DELETE", path, idempotent: true });
  }

  /**
   * Deletes DLQ entries in bulk (one page per call).
   * @param selection - `{ ids }`, `{ filter }` or `{ all: true }`.
   * @param page - cursor and count for this page.
   * @returns `{ deleted, cursor? }`; call again with `cursor` until it is absent.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty selection (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const { deleted } = await client.dlq.deleteMany({ filter: { responseStatus: 404 } });
   * ```
   */
  async deleteMany(selection: BulkSelection<DlqFilter>, page: DlqPage = {}): Promise<DlqDeleted> {
    const query = bulkSelectionQuery("dlqIds", selection, { cursor: page.cursor, count: page.count });
    const response = await this.#transport.send({ method: "DELETE", path: "/v2/dlq", query, idempotent: true });
    return parseApiResponse(response.text, deletedSchema);
  }

  /**
   * Publishes a DLQ entry again as a new message and removes the entry.
   * Not retried after the request may have reached the server (a retry could
   * publish twice).
   * @param dlqId - the entry's DLQ id.
   * @param headers - optional publish headers overriding the original, e.g. `{ "Upstash-Retries": "0" }`.
   * @returns the new message id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty id (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const { messageId } = await client.dlq.retry("1725323658779-0");
   * ```
   */
  async retry(dlqId: string, headers?: HeadersInit): Promise<{ messageId: string }> {
    const path = `/v2/dlq/retry/${idSegment("dlqId", dlqId)}`;
    const init = new Headers(headers);
    const response = await this.#transport.send({ method: "POST", path, headers: init, idempotent: false });
    return parseApiResponse(response.text, messageIdSchema);
  }

  /**
   * Retries DLQ entries in bulk (one page per call). Not retried after the
   * request may have reached the server.
   * @param selection - `{ ids }`, `{ filter }` or `{ all: true }`.
   * @param page - cursor and count for this page.
   * @returns `{ responses: [{ messageId }], cursor? }`.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty selection (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const { responses } = await client.dlq.retryMany({ ids: ["1725323658779-0"] });
   * ```
   */
  async retryMany(selection: BulkSelection<DlqFilter>, page: DlqPage = {}): Promise<DlqRetried> {
    const query = bulkSelectionQuery("dlqIds", selection, { cursor: page.cursor, count: page.count });
    const response = await this.#transport.send({ method: "POST", path: "/v2/dlq/retry", query, idempotent: false });
    return parseApiResponse(response.text, dlqRetriedSchema);
  }
}
