import { nameSegment } from "./apiPath.js";
import { InvalidOptionError } from "../errors.js";
import { bodyText, isDeduplicated, publishParts } from "./publishCall.js";
import type { ClientPublishOptions, Credentials } from "./publishCall.js";

/** One message of a batch: publish options, plus `queueName` to enqueue it instead. */
export type BatchEntry = ClientPublishOptions & {
  /** Enqueue through this queue instead of publishing directly. */
  queueName?: string;
};

/** One element of the wire format of `POST /v2/batch` (wire spec 2.7). */
interface WireBatchEntry {
  destination: string;
  headers: Record<string, string>;
  body?: string;
  queue?: string;
}

/** A batch body ready to send, and whether sending it twice is harmless. */
export interface EncodedBatch {
  body: string;
  idempotent: boolean;
}

/**
 * Encodes batch entries through the publish builder, so every entry obeys the
 * same header rules and validation as a single publish.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` for an empty batch, a bad entry (builder errors) or a non-UTF-8 body.
 */
export async function encodeBatch(entries: readonly BatchEntry[], credentials: Credentials): Promise<EncodedBatch> {
  if (!Array.isArray(entries) || entries.length === 0) throw new InvalidOptionError("entries", "must be a non-empty array");
  const wire = await Promise.all(entries.map((entry, index) => encodeEntry(entry, index, credentials)));
  return { body: JSON.stringify(wire), idempotent: entries.every(isDeduplicated) };
}

async function encodeEntry(entry: BatchEntry, index: number, credentials: Credentials): Promise<WireBatchEntry> {
  const { queueName, ...publish } = entry;
  const { headers, body } = await publishParts({ ...credentials, ...publish }).catch((error: unknown) => {
    // Say which entry is wrong, not only which option.
    if (!(error instanceof InvalidOptionError)) throw error;
    throw new InvalidOptionError(`entries.${index}.${error.option}`, error.reason, { cause: error });
  });
  const wire: WireBatchEntry = { destination: publish.destination, headers: Object.fromEntries(headers) };
  const text = bodyText(`entries.${index}.body`, body);
  if (text !== undefined) wire.body = text;
  if (queueName !== undefined) wire.queue = nameSegment(`entries.${index}.queueName`, queueName);
  return wire;
}
