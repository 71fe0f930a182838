import { buildPublishRequest } from "../publish/buildPublishRequest.js";
import type { PublishOptions } from "../publish/buildPublishRequest.js";
import { InvalidOptionError } from "../errors.js";
import { encodeJsonBody } from "../publish/publishBody.js";

/** Publish options as the client takes them: the client supplies token and base URL. */
export type ClientPublishOptions = Omit<PublishOptions, "token" | "baseUrl" | "queueName">;

/** Where the client sends requests and with which token. */
export interface Credentials {
  token: string;
  baseUrl: string;
}

/**
 * Whether repeating this publish cannot create a second message: the server
 * drops a repeat with the same deduplication key.
 */
export function isDeduplicated(options: { deduplicationId?: unknown; contentBasedDeduplication?: unknown }): boolean {
  return (
    (typeof options.deduplicationId === "string" && options.deduplicationId !== "") ||
    options.contentBasedDeduplication === true
  );
}

/**
 * `publishJSON` semantics: the body is always JSON-serialised, even a string.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `"body"`) for what JSON cannot carry.
 */
export function asJson<Options extends { body?: unknown; contentType?: string }>(options: Options): Options {
  const body = encodeJsonBody(options.body);
  return { ...options, body, contentType: options.contentType ?? "application/json" };
}

/** The parts of a built publish request that batch and schedules re-use. */
export interface PublishParts {
  headers: Headers;
  body: Uint8Array<ArrayBuffer> | undefined;
}

/**
 * Runs the publish builder (all validation and header rules live there) and
 * takes its headers and body bytes, without the `Authorization` header.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` from the builder.
 */
export async function publishParts(options: PublishOptions): Promise<PublishParts> {
  const request = buildPublishRequest(options);
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  return { headers, body };
}

/**
 * Decodes a body for places where the wire format carries it as a JSON
 * string (batch entries).
 * @throws InvalidOptionError `ERR_INVALID_OPTION` naming `option` when the bytes are not UTF-8.
 */
export function bodyText(option: string, body: Uint8Array | undefined): string | undefined {
  if (body === undefined) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch (error) {
    throw new InvalidOptionError(option, "must be UTF-8 text in a batch (the batch wire format carries strings)", {
      cause: error,
    });
  }
}
