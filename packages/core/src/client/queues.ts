import { parseApiResponse, queueListSchema, queueSchema } from "./apiSchemas.js";
import type { Queue } from "./apiSchemas.js";
import { nameSegment } from "./apiPath.js";
import { InvalidOptionError } from "../errors.js";
import type { Transport } from "./transport.js";

/** Settings of a queue for {@link Queues.upsert}. */
export interface QueueUpsertOptions {
  /** Letters, digits, `-`, `_`, `.`. */
  queueName: string;
  /**
   * Deliveries in flight at once; 1 makes the queue strictly FIFO.
   * @default 1
   */
  parallelism?: number;
  /**
   * Create or leave the queue paused (it accepts but does not deliver).
   * @default false
   */
  paused?: boolean;
}

/**
 * FIFO queues. Reached as `client.queues`.
 * @example
 * ```ts
 * await client.queues.upsert({ queueName: "emails" });
 * ```
 */
export class Queues {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Creates a queue or updates its settings.
   * @param options - name, parallelism and paused state.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad name or parallelism (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` (412 when the plan quota is reached).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.queues.upsert({ queueName: "emails", parallelism: 2 });
   * ```
   */
  async upsert(options: QueueUpsertOptions): Promise<void> {
    const queueName = nameSegment("queueName", options.queueName);
    const parallelism = options.parallelism ?? 1;
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new InvalidOptionError("parallelism", "must be an integer >= 1");
    }
    const body = JSON.stringify({ queueName, parallelism, paused: options.paused ?? false });
    const headers = new Headers({ "content-type": "application/json" });
    await this.#transport.send({ method: "POST", path: "/v2/queues", headers, body, idempotent: true });
  }

  /**
   * Reads one queue.
   * @param queueName - the queue's name.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an invalid name (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` with status 404 for an unknown queue.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const { lag, paused } = await client.queues.get("emails");
   * ```
   */
  async get(queueName: string): Promise<Queue> {
    const path = `/v2/queues/${nameSegment("queueName", queueName)}`;
    const response = await this.#transport.send({ method: "GET", path, idempotent: true });
    return parseApiResponse(response.text, queueSchema);
  }

  /**
   * Lists every queue.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * for (const queue of await client.queues.list()) console.log(queue.name, queue.lag);
   * ```
   */
  async list(): Promise<Queue[]> {
    const response = await this.#transport.send({ method: "GET", path: "/v2/queues", idempotent: true });
    return parseApiResponse(response.text, queueListSchema);
  }

  /**
   * Deletes a queue.
   * @param queueName - the queue's name.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an invalid name (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.queues.delete("emails");
   * ```
   */
  async delete(queueName: string): Promise<void> {
    const path = `/v2/queues/${nameSegment("queueName", queueName)}`;
    await this.#transport.send({ method: "DELETE", path, idempotent: true });
  }

  /**
   * Pauses a queue: it keeps accepting messages but delivers none.
   * @param queueName - the queue's name.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an invalid name (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.queues.pause("emails");
   * ```
   */
  async pause(queueName: string): Promise<void> {
    const path = `/v2/queues/${nameSegment("queueName", queueName)}/pause`;
    await this.#transport.send({ method: "POST", path, idempotent: true });
  }

  /**
   * Resumes a paused queue from its oldest undelivered message.
   * @param queueName - the queue's name.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for an invalid name (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.queues.resume("emails");
   * ```
   */
  async resume(queueName: string): Promise<void> {
    const path = `/v2/queues/${nameSegment("queueName", queueName)}/resume`;
    await this.#transport.send({ method: "POST", path, idempotent: true });
  }
}
