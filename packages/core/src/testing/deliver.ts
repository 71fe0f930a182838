import { InvalidOptionError } from "../errors.js";
import type { AnyDestination, PayloadOf } from "../handlers/defineDestination.js";
import { buildCallbackRequest } from "./buildCallbackRequest.js";
import type { AnyCallback, CallbackReportInput, SourcePayloadOf } from "./buildCallbackRequest.js";
import { buildDeliveryRequest } from "./buildDeliveryRequest.js";
import type { DeliveryRequestOptions } from "./signedDeliveryRequest.js";

/**
 * Delivers a payload to a destination, or a report to a callback, the way QStash would, and
 * resolves with the definition's answer: it builds the request with `buildDeliveryRequest` or
 * `buildCallbackRequest` and passes it to `definition.handle`. Nothing listens on a port; the
 * full pipeline runs (size limit, signature, JSON, schema, handler, error → status).
 *
 * @param definition - a destination, callback or failure-callback definition
 * @param payloadOrReport - the destination's payload (sent as given, not validated), or the
 *   callback's report (`status`, `body`, `sourcePayload`, …)
 * @param options - base URL, key, delivery headers and signature overrides
 * @returns the `Response` the definition answers (200, 401, 413, 429, 489, 500, …)
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `definition` is not a definition or an
 *   option is invalid (see the two builders)
 * @example
 * ```ts
 * import { deliver } from "@stashkit/core/testing";
 * const response = await deliver(sendEmail, { to: "ada@example.com", subject: "Hi" });
 * expect(response.status).toBe(200);
 * const failed = await deliver(onFailed, { status: 500, sourcePayload: { to: "ada@example.com", subject: "Hi" } });
 * ```
 */
export function deliver<D extends AnyDestination>(definition: D, payload: PayloadOf<D>, options?: DeliveryRequestOptions): Promise<Response>;
export function deliver<C extends AnyCallback>(
  callback: C,
  report: CallbackReportInput<SourcePayloadOf<C>>,
  options?: DeliveryRequestOptions,
): Promise<Response>;
export async function deliver(
  definition: AnyDestination | AnyCallback,
  payloadOrReport: unknown,
  options: DeliveryRequestOptions = {},
): Promise<Response> {
  switch (definition?.kind) {
    case "destination":
      return definition.handle(await buildDeliveryRequest(definition, payloadOrReport, options));
    case "callback":
    case "failureCallback":
      return definition.handle(await buildCallbackRequest(definition, payloadOrReport as CallbackReportInput, options));
    default:
      throw new InvalidOptionError("definition", "must be a definition from defineDestination, defineCallback or defineFailureCallback");
  }
}
