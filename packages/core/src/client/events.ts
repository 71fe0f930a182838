import { eventListSchema, parseApiResponse } from "./apiSchemas.js";
import type { EventList } from "./apiSchemas.js";
import { toQuery } from "./filterQuery.js";
import type { MessageFilter } from "./filterQuery.js";
import type { Transport } from "./transport.js";

/** Filters accepted by the event log. */
export type EventFilter = MessageFilter & {
  /** Message state, e.g. `DELIVERED`, `FAILED`, `IN_PROGRESS`. */
  state?: string;
};

/** Options of {@link Events.list}. */
export interface EventListOptions {
  /** Cursor from the previous page. */
  cursor?: string;
  /**
   * Events per page.
   * @default server default
   */
  count?: number;
  /** Only events of these messages (filters are then ignored). */
  messageIds?: readonly string[];
  /** Only events matching this filter. */
  filter?: EventFilter;
}

/**
 * The message event log (`GET /v2/events`). Reached as `client.events`.
 * @example
 * ```ts
 * const { events, cursor } = await client.events.list();
 * ```
 */
export class Events {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Lists one page of events, newest first.
   * @param options - paging, message ids or filter.
   * @returns `{ events, cursor? }`; call again with `cursor` until it is absent.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when an event lacks `time`, `messageId` or `state`.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * const { events } = await client.events.list({ filter: { state: "FAILED" }, count: 50 });
   * ```
   */
  async list(options: EventListOptions = {}): Promise<EventList> {
    const { cursor, count, messageIds, filter } = options;
    const selection = messageIds !== undefined && messageIds.length > 0 ? { messageIds } : (filter ?? {});
    const query = toQuery({ ...selection, cursor, count });
    const response = await this.#transport.send({ method: "GET", path: "/v2/events", query, idempotent: true });
    return parseApiResponse(response.text, eventListSchema);
  }
}
