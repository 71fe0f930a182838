import { InvalidOptionError } from "../errors.js";
import type { AnyDestination, PayloadOf } from "../handlers/defineDestination.js";
import { signedDeliveryRequest } from "./signedDeliveryRequest.js";
import type { DeliveryRequestOptions } from "./signedDeliveryRequest.js";

/**
 * Builds the `Request` QStash would deliver to a destination for this payload: the URL is the
 * definition's path on `options.baseUrl`, the body is the payload's JSON exactly as
 * `client.send` publishes it, and it carries every delivery header (`Upstash-Message-Id`,
 * `Upstash-Retried`, `Upstash-Max-Retries`, `Upstash-Caller-Ip`, `User-Agent`, `Content-Type`,
 * the definition's forwarded headers, retry delay and flow control) plus a fresh
 * `Upstash-Signature` signed with the definition's key (or `options.key`, else
 * `QSTASH_CURRENT_SIGNING_KEY`).
 *
 * The payload is sent as given, not validated, so a test can exercise the 489 path. Pass the
 * request to `definition.handle`, or `fetch` it to a running app (`baseUrl` = its origin).
 *
 * @param definition - a `defineDestination` definition
 * @param payload - the payload to deliver, JSON-serialised (`undefined`: an empty body); ignored when `options.body` is set
 * @param options - base URL, key, delivery headers and signature overrides
 * @returns the signed delivery request
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `definition` is not a destination, when
 *   `baseUrl`, `retried` or `maxRetries` is invalid, when the payload cannot be serialised as JSON,
 *   or when no signing key is available (option `key`)
 * @example
 * ```ts
 * import { buildDeliveryRequest } from "@stashkit/core/testing";
 * const request = await buildDeliveryRequest(sendEmail, { to: "ada@example.com", subject: "Hi" }, { retried: 2 });
 * const response = await sendEmail.handle(request); // 200, handler saw delivery.retried === 2
 * ```
 */
export async function buildDeliveryRequest<D extends AnyDestination>(
  definition: D,
  payload: PayloadOf<D>,
  options: DeliveryRequestOptions = {},
): Promise<Request> {
  if (definition?.kind !== "destination") {
    throw new InvalidOptionError("definition", "must be a destination from defineDestination (use buildCallbackRequest for callbacks)");
  }
  const { defaults } = definition;
  return signedDeliveryRequest(definition, options.body ?? serialise(payload), options, {
    maxRetries: defaults.retries,
    retryDelay: defaults.retryDelay,
    flowControl: defaults.flowControl,
    headers: defaults.headers,
  });
}

/**
 * @internal JSON of a test payload or report value (`undefined` is an empty body), refusing
 * what `JSON.stringify` would silently drop: a test that sends "nothing" by accident should say so.
 */
export function serialise(value: unknown, option = "payload"): string {
  if (value === undefined) return "";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidOptionError(option, "cannot be serialised as JSON", { cause: error });
  }
  if (text === undefined) throw new InvalidOptionError(option, "must be a JSON value (pass options.body to send exact bytes)");
  return text;
}
