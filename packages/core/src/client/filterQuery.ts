import { InvalidOptionError } from "../errors.js";

/**
 * Filters shared by message cancellation, the DLQ and the event log. Values
 * of one filter are OR-ed, different filters are AND-ed. Dates are `Date`s or
 * Unix milliseconds, inclusive.
 */
export interface MessageFilter {
  /** Message id. */
  messageId?: string;
  /** Exact destination URL(s). */
  url?: string | string[];
  /** Destination host(s) (messages and events only). */
  host?: string | string[];
  /** Destination path(s) (messages and events only). */
  path?: string | string[];
  /** URL-group name(s) (sent as `topicName`). */
  urlGroup?: string | string[];
  /** Schedule id(s). */
  scheduleId?: string | string[];
  /** Queue name(s). */
  queueName?: string | string[];
  /** Label(s) set at publish time. */
  label?: string | string[];
  /** Flow-control key(s). */
  flowControlKey?: string | string[];
  /** Publisher IP(s). */
  callerIp?: string | string[];
  /** Earliest creation time, inclusive. */
  fromDate?: Date | number;
  /** Latest creation time, inclusive. */
  toDate?: Date | number;
}

/** Query value forms accepted by {@link toQuery}. */
type QueryValue = string | number | boolean | Date | readonly (string | number)[] | undefined;

/**
 * Builds a query string the way QStash reads it: arrays as repeated keys,
 * dates as Unix ms, absent values and empty arrays left out; `urlGroup` is
 * renamed to the wire name `topicName`.
 */
export function toQuery(params: Record<string, QueryValue>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const name = key === "urlGroup" ? "topicName" : key;
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) query.append(name, String(item));
    else query.append(name, value instanceof Date ? String(value.getTime()) : String(value));
  }
  return query;
}

/** Whether a filter object selects anything (so an empty one cannot mean "everything" by accident). */
export function hasFilter(filter: Record<string, QueryValue>): boolean {
  return Object.values(filter).some((value) => value !== undefined && !(Array.isArray(value) && value.length === 0));
}

/**
 * Which entries a bulk call (cancel, DLQ delete/retry) acts on: explicit ids,
 * a filter, or everything, which must be asked for with `all: true` so that an
 * empty filter can never wipe a whole account by accident.
 */
export type BulkSelection<Filter> =
  | {
      /** Exactly these ids; must not be empty. */
      ids: readonly string[];
    }
  | {
      /** Entries matching this filter; must set at least one field. */
      filter: Filter;
    }
  | {
      /** Every entry; only the literal `true` is accepted. */
      all: true;
    };

/**
 * Turns a bulk selection into its query string.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` for empty ids, an empty filter or `all` not `true`.
 */
export function bulkSelectionQuery<Filter extends object>(
  idsKey: string,
  selection: BulkSelection<Filter>,
  extra: Record<string, QueryValue> = {},
): URLSearchParams {
  if ("ids" in selection) {
    if (selection.ids.length === 0) throw new InvalidOptionError("ids", "must not be empty");
    return toQuery({ [idsKey]: selection.ids, ...extra });
  }
  if ("filter" in selection) {
    const filter = selection.filter as Record<string, QueryValue>;
    if (!hasFilter(filter)) throw new InvalidOptionError("filter", "must set at least one field; use all: true for everything");
    return toQuery({ ...filter, ...extra });
  }
  if ((selection as { all?: unknown }).all === true) return toQuery(extra);
  throw new InvalidOptionError("selection", "give ids, a filter, or all: true");
}
