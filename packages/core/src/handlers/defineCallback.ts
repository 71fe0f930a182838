import { checkHandler, checkPath, HandlerContext, handlerOptionsOf } from "./defineDestination.js";
import type { AnyDestination, ParsedPayloadOf } from "./defineDestination.js";
import { callHandler, createDeliveryHandlers } from "./handleDelivery.js";
import type { DeliveryHandlers, DeliveryRequestView, HandlerOptions, VerifiedInput } from "./handleDelivery.js";
import { PayloadValidationError } from "./handlerErrors.js";
import { parseCallback } from "../parse/parseCallback.js";
import type { CallbackPayload } from "../parse/parseCallback.js";
import type { Delivery } from "../parse/parseDelivery.js";
import { validatePayload } from "./validatePayload.js";

/** What a callback or failure-callback handler receives. */
export interface CallbackContext<SourcePayload> {
  /** The validated report: status, decoded body, sourceMessageId, retried, … */
  readonly callback: CallbackPayload;
  /**
   * The original message body: JSON-decoded and validated with the declared
   * destination's schema; without `destination`, the JSON value or `undefined`.
   */
  readonly sourcePayload: SourcePayload;
  /** The callback message's own delivery context. */
  readonly delivery: Delivery;
  /** Method, verified URL, headers and the raw bytes of the report. */
  readonly request: DeliveryRequestView;
}

/** A callback or failure-callback definition. */
export interface CallbackDefinition<SourcePayload = unknown, Result = unknown> extends DeliveryHandlers {
  /** Discriminant: a success or a failure callback. */
  readonly kind: "callback" | "failureCallback";
  /** Path the adapters mount it on; usable as a destination's `callback`. */
  readonly path: string;
  /** The destination whose reports it receives, if declared. */
  readonly destination: AnyDestination | undefined;
  /** Type carrier only; never set at run time. */
  readonly "~types"?: { readonly sourcePayload: SourcePayload; readonly result: Result } | undefined;
}

type SourcePayloadOf<D> = [D] extends [undefined] ? unknown : ParsedPayloadOf<D>;

/** Configuration of {@link defineCallback} and {@link defineFailureCallback}. */
export interface CallbackConfig<D extends AnyDestination | undefined, Result> extends HandlerOptions {
  /** Path the adapters mount it on. */
  readonly path: string;
  /** The destination it reports on: types and validates `sourcePayload` with its schema. */
  readonly destination?: D;
  /**
   * Runs once per verified report; its return value is sent back as JSON.
   * @param context - the parsed report, its typed `sourcePayload` and the request
   */
  readonly handler: (context: CallbackContext<SourcePayloadOf<D>>) => Result | Promise<Result>;
}

/**
 * Declares a callback endpoint for messages published with `callback`. QStash posts a
 * report after **every** delivery attempt, failed ones included, until one succeeds or the
 * retries run out: check `callback.ok` (this attempt succeeded) and `callback.final` (no
 * further attempt follows) before acting. The report is verified, validated and
 * base64-decoded before `handler` runs; invalid reports get 489.
 *
 * @param config - path, handler, optional destination and verification options
 * @returns the definition, with `handle(Request)` and `handleRaw(raw)`
 * @throws InvalidOptionError `ERR_INVALID_OPTION` when `path` or `handler` is missing or wrong
 * @example
 * ```ts
 * export const onDelivered = defineCallback({
 *   path: "/api/on-delivered",
 *   destination: sendEmail,
 *   handler: ({ callback, sourcePayload }) => {
 *     if (!callback.ok) return; // a failed attempt: QStash retries, and reports again
 *     console.log("delivered to", sourcePayload.to);
 *   },
 * });
 * ```
 */
export function defineCallback<D extends AnyDestination | undefined = undefined, Result = void>(
  config: CallbackConfig<D, Result>,
): CallbackDefinition<SourcePayloadOf<D>, Awaited<Result>> {
  return defineReport("callback", config);
}

/**
 * Declares a failure-callback endpoint: QStash posts one report when a message
 * finally fails (retries exhausted or 489), including its `dlqId`.
 *
 * @param config - path, handler, optional destination and verification options
 * @returns the definition, with `handle(Request)` and `handleRaw(raw)`
 * @throws InvalidOptionError `ERR_INVALID_OPTION` when `path` or `handler` is missing or wrong
 * @example
 * ```ts
 * export const onFailed = defineFailureCallback({
 *   path: "/api/on-failed",
 *   destination: sendEmail,
 *   handler: ({ callback, sourcePayload }) => notifyOps(`email to ${sourcePayload.to} failed`, callback.dlqId),
 * });
 * ```
 */
export function defineFailureCallback<D extends AnyDestination | undefined = undefined, Result = void>(
  config: CallbackConfig<D, Result>,
): CallbackDefinition<SourcePayloadOf<D>, Awaited<Result>> {
  return defineReport("failureCallback", config);
}

function defineReport<D extends AnyDestination | undefined, Result>(
  kind: "callback" | "failureCallback",
  config: CallbackConfig<D, Result>,
): CallbackDefinition<SourcePayloadOf<D>, Awaited<Result>> {
  checkPath(config.path);
  checkHandler(config.handler);
  const { path, handler, destination } = config;
  const handlers = createDeliveryHandlers(handlerOptionsOf(config), async (verified) => {
    const callback = parseReport(verified);
    const sourcePayload = (await sourcePayloadOf(callback, destination)) as SourcePayloadOf<D>;
    return callHandler(handler, new ReportContext(verified, callback, sourcePayload));
  });
  return Object.freeze({ kind, path, destination, ...handlers });
}

class ReportContext<SourcePayload> extends HandlerContext implements CallbackContext<SourcePayload> {
  readonly callback: CallbackPayload;
  readonly sourcePayload: SourcePayload;

  constructor(verified: VerifiedInput, callback: CallbackPayload, sourcePayload: SourcePayload) {
    super(verified);
    this.callback = callback;
    this.sourcePayload = sourcePayload;
  }
}

// parseCallback decodes the exact bytes itself; its CallbackParseError maps to 489.
function parseReport(verified: VerifiedInput): CallbackPayload {
  return parseCallback(verified.request.body);
}

async function sourcePayloadOf(callback: CallbackPayload, destination: AnyDestination | undefined): Promise<unknown> {
  const text = callback.sourceBodyText;
  let value: unknown;
  try {
    value = text === undefined || text === "" ? undefined : JSON.parse(text);
  } catch {
    if (!destination) return undefined;
    throw new PayloadValidationError([{ path: "sourceBody", message: "is not valid JSON" }], "source body is not valid JSON");
  }
  if (!destination) return value;
  try {
    return await validatePayload(destination.schema, value);
  } catch (error) {
    if (!(error instanceof PayloadValidationError)) throw error;
    const issues = error.issues.map((i) => ({ path: i.path ? `sourceBody.${i.path}` : "sourceBody", message: i.message }));
    throw new PayloadValidationError(issues, "source body does not match the destination's schema");
  }
}
