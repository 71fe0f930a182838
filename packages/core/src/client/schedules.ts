import { parseApiResponse, scheduleIdSchema, scheduleListSchema, scheduleSchema } from "./apiSchemas.js";
import type { Schedule } from "./apiSchemas.js";
import { nameSegment } from "./apiPath.js";
import { InvalidOptionError } from "../errors.js";
import { isDeduplicated, publishParts } from "./publishCall.js";
import type { ClientPublishOptions, Credentials } from "./publishCall.js";
import type { Transport } from "./transport.js";

/** Options of {@link Schedules.create}: the publish options plus the cron and schedule settings. */
export type ScheduleCreateOptions = Omit<ClientPublishOptions, "notBefore"> & {
  /** Five-field cron in UTC, optionally prefixed `CRON_TZ=<IANA zone> `. */
  cron: string;
  /** Fixed id (letters, digits, `-`, `_`, `.`); an existing schedule with it is overwritten. */
  scheduleId?: string;
  /** Deliver each trigger through this queue. */
  queueName?: string;
};

const CRON_TZ = /^CRON_TZ=\S+\s+/;

/**
 * Cron schedules. Reached as `client.schedules`.
 * @example
 * ```ts
 * const { scheduleId } = await client.schedules.create({ destination: "https://example.com/api/report", cron: "0 8 * * *" });
 * ```
 */
export class Schedules {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Creates (or, with a known `scheduleId`, overwrites) a schedule that
   * publishes a message on every cron trigger. Retried on 5xx only when
   * `scheduleId` or a deduplication option is set, since only then is a
   * repeat harmless. Without `contentType` the message's `Content-Type` is
   * `application/json`, as with the official SDK.
   * @param options - publish options plus `cron`, `scheduleId` and `queueName`.
   * @returns the schedule id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad cron, schedule id, queue name, a `notBefore`
   *   (meaningless for a schedule) or any invalid publish option.
   * @throws QStashHttpError `ERR_HTTP` (412 when the plan quota is reached).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const { scheduleId } = await client.schedules.create({
   *   destination: "https://example.com/api/report",
   *   cron: "CRON_TZ=Europe/Berlin 0 8 * * 1",
   *   body: { kind: "weekly" },
   *   retries: 2,
   * });
   * ```
   */
  async create(options: ScheduleCreateOptions): Promise<{ scheduleId: string }> {
    const { cron, scheduleId, queueName, ...publish } = options;
    if ("notBefore" in publish) throw new InvalidOptionError("notBefore", "is not supported by schedules");
    const extra = scheduleHeaders(cron, scheduleId, queueName);
    const { headers, body } = await publishParts({ ...this.#credentials(), ...publish });
    for (const [name, value] of extra) headers.set(name, value);
    // Wire spec 6.3 / official SDK: a schedule's Content-Type defaults to JSON.
    if (!hasExplicitContentType(publish)) headers.set("content-type", "application/json");
    const path = `/v2/schedules/${publish.destination}`;
    const idempotent = scheduleId !== undefined || isDeduplicated(publish);
    const response = await this.#transport.send({ method: "POST", path, headers, body, idempotent });
    return parseApiResponse(response.text, scheduleIdSchema);
  }

  /**
   * Reads one schedule.
   * @param scheduleId - the schedule's id.
   * @throws QStashHttpError `ERR_HTTP` with status 404 for an unknown id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `scheduleId`) for an empty id (nothing is sent).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const schedule = await client.schedules.get("scd_123");
   * console.log(schedule.cron, schedule.nextScheduleTime);
   * ```
   */
  async get(scheduleId: string): Promise<Schedule> {
    const path = `/v2/schedules/${encodeURIComponent(checkId(scheduleId))}`;
    const response = await this.#transport.send({ method: "GET", path, idempotent: true });
    return parseApiResponse(response.text, scheduleSchema);
  }

  /**
   * Lists every schedule.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
   * @example
   * ```ts
   * const schedules = await client.schedules.list();
   * ```
   */
  async list(): Promise<Schedule[]> {
    const response = await this.#transport.send({ method: "GET", path: "/v2/schedules", idempotent: true });
    return parseApiResponse(response.text, scheduleListSchema);
  }

  /**
   * Deletes a schedule.
   * @param scheduleId - the schedule's id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `scheduleId`) for an empty id (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.schedules.delete("scd_123");
   * ```
   */
  async delete(scheduleId: string): Promise<void> {
    const path = `/v2/schedules/${encodeURIComponent(checkId(scheduleId))}`;
    await this.#transport.send({ method: "DELETE", path, idempotent: true });
  }

  /**
   * Pauses a schedule: triggers are ignored until it is resumed.
   * @param scheduleId - the schedule's id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `scheduleId`) for an empty id (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.schedules.pause("scd_123");
   * ```
   */
  async pause(scheduleId: string): Promise<void> {
    await this.#toggle(scheduleId, "pause");
  }

  /**
   * Resumes a paused schedule.
   * @param scheduleId - the schedule's id.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `scheduleId`) for an empty id (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * await client.schedules.resume("scd_123");
   * ```
   */
  async resume(scheduleId: string): Promise<void> {
    await this.#toggle(scheduleId, "resume");
  }

  async #toggle(scheduleId: string, action: "pause" | "resume"): Promise<void> {
    // PATCH as the official SDK sends it; the REST reference's POST is the server's concern.
    const path = `/v2/schedules/${encodeURIComponent(checkId(scheduleId))}/${action}`;
    await this.#transport.send({ method: "PATCH", path, idempotent: true });
  }

  #credentials(): Credentials {
    return { token: this.#transport.token, baseUrl: this.#transport.baseUrl };
  }
}

/** The schedule-only headers, validated before anything is built. */
function scheduleHeaders(cron: unknown, scheduleId: string | undefined, queueName: string | undefined): Headers {
  const headers = new Headers({ "upstash-cron": checkCron(cron) });
  if (scheduleId !== undefined) headers.set("upstash-schedule-id", nameSegment("scheduleId", scheduleId));
  if (queueName !== undefined) headers.set("upstash-queue-name", nameSegment("queueName", queueName));
  return headers;
}

function hasExplicitContentType(options: Pick<ScheduleCreateOptions, "contentType" | "headers">): boolean {
  return options.contentType !== undefined || new Headers(options.headers).has("content-type");
}

function checkId(scheduleId: unknown): string {
  if (typeof scheduleId !== "string" || scheduleId === "") {
    throw new InvalidOptionError("scheduleId", "must be a non-empty string");
  }
  return scheduleId;
}

/**
 * Checks the cron shape (five fields, optional `CRON_TZ=` prefix) so a typo
 * fails before any request; field values are left to the server.
 */
function checkCron(cron: unknown): string {
  if (typeof cron !== "string" || /[\r\n\0]/.test(cron)) {
    throw new InvalidOptionError("cron", "must be a five-field cron string");
  }
  const fields = cron.trim().replace(CRON_TZ, "").split(/\s+/);
  if (fields.length !== 5 || fields[0] === "") throw new InvalidOptionError("cron", "must have five fields");
  return cron.trim();
}
