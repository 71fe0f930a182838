import type { StandardSchemaV1 } from "@standard-schema/spec";
import { createDeliveryHandlers } from "./handleDelivery.js";
import type { DeliveryHandlers, DeliveryRequestView, HandlerOptions, VerifiedInput } from "./handleDelivery.js";
import type { Delivery } from "../parse/parseDelivery.js";
import { callHandler } from "./handleDelivery.js";
import { validateNow } from "./validatePayload.js";
import type { PublishOptions } from "../publish/buildPublishRequest.js";
import { InvalidOptionError } from "../errors.js";

/** A callback URL with its own delivery settings. */
export interface CallbackTargetOptions {
  /** Path (resolved against the app URL) or absolute URL; a callback definition fits here. */
  readonly path: string;
  /** Method QStash uses for the callback. @default "POST" */
  readonly method?: string;
  /** Retries of the callback message. @default the message's */
  readonly retries?: number;
  /** Per-attempt timeout of the callback, `"10s"` or seconds. @default the message's */
  readonly timeout?: string | number;
  /** Retry-delay expression of the callback. @default the message's */
  readonly retryDelay?: string;
  /** Headers forwarded to the callback only. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A path/URL, or a callback definition (`defineCallback`) or target options. */
export type CallbackTarget = string | CallbackTargetOptions;

/** Flow-control settings, as in `PublishOptions`. */
export type FlowControlDefaults = NonNullable<PublishOptions["flowControl"]>;

/** Publish settings declared once on the destination; `send` options override them. */
export interface DestinationDefaults
  extends Pick<PublishOptions, "retries" | "timeout" | "retryDelay" | "delay" | "flowControl" | "label" | "headers"> {
  /** Enqueue through this queue instead of publishing. */
  readonly queueName?: string;
  /** Success callback: a path (resolved against the app URL), an absolute URL or a callback definition. */
  readonly callback?: CallbackTarget;
  /** Failure callback: a path, an absolute URL or a failure-callback definition. */
  readonly failureCallback?: CallbackTarget;
}

/** What a destination handler receives. */
export interface DestinationContext<Payload> {
  /** The body, validated: the schema's output type. */
  readonly payload: Payload;
  /** Message id, retried count, schedule, forwarded headers… */
  readonly delivery: Delivery;
  /** Method, verified URL, headers and the raw bytes. */
  readonly request: DeliveryRequestView;
}

/**
 * A typed QStash destination. Mount it with an adapter or call `handle`
 * yourself; pass it (or a `destinationRef`) to `client.send`.
 *
 * @typeParam Input - what a producer sends (the schema's input type)
 * @typeParam Output - what the handler receives (the schema's output type)
 * @typeParam Result - what the handler returns (sent back as JSON)
 */
export interface DestinationDefinition<Input = unknown, Output = Input, Result = unknown> extends DeliveryHandlers {
  /** Discriminant: a destination (not a callback). */
  readonly kind: "destination";
  /** Path the adapters mount it on, e.g. `/api/send-email`. */
  readonly path: string;
  /** The payload schema. */
  readonly schema: StandardSchemaV1<Input, Output>;
  /** Publish defaults used by `client.send`. */
  readonly defaults: DestinationDefaults;
  /** Type carrier only; never set at run time. */
  readonly "~types"?: { readonly input: Input; readonly output: Output; readonly result: Result } | undefined;
}

/** Any destination definition, whatever its payload and result types (a generic constraint). */
export type AnyDestination = DestinationDefinition<any, any, any>;

/** The payload `client.send` accepts for a destination (its schema's input type). */
export type PayloadOf<D> = D extends DestinationDefinition<infer Input, infer _Output, infer _Result> ? Input : never;

/** The payload a destination's handler receives (its schema's output type). */
export type ParsedPayloadOf<D> = D extends DestinationDefinition<infer _Input, infer Output, infer _Result> ? Output : never;

/** Configuration of {@link defineDestination}. */
export interface DestinationConfig<S extends StandardSchemaV1, Result> extends DestinationDefaults, HandlerOptions {
  /** Path the adapters mount it on; also the path `client.send` publishes to. */
  readonly path: string;
  /** Any Standard Schema (zod 4, valibot, arktype…). */
  readonly schema: S;
  /**
   * Runs once per verified, valid delivery. Its return value is sent back as
   * JSON with 200 (empty for `undefined`); a returned `Response` is passed through.
   * @param context - the validated payload, the delivery context and the request
   */
  readonly handler: (context: DestinationContext<StandardSchemaV1.InferOutput<S>>) => Result | Promise<Result>;
}

/** Configuration of {@link defineDestination} without a schema: the payload is the parsed JSON. */
export interface UntypedDestinationConfig<Result> extends DestinationDefaults, HandlerOptions {
  /** Path the adapters mount it on; also the path `client.send` publishes to. */
  readonly path: string;
  /** No schema: the handler gets the parsed JSON (or the text of a non-JSON body) as `unknown`. */
  readonly schema?: undefined;
  /**
   * Runs once per verified delivery.
   * @param context - the parsed body as `unknown`, the delivery context and the request
   */
  readonly handler: (context: DestinationContext<unknown>) => Result | Promise<Result>;
}

/**
 * Declares a typed destination: signature verification, body limit, JSON
 * decoding and schema validation happen before `handler` runs, and thrown
 * errors map to QStash-aware statuses (see `errorToResponse`). Without a
 * `schema`, the handler gets the parsed JSON as `unknown`: wrapping an
 * existing handler is one call.
 *
 * Only this delivery's own failures set its status: 401 its signature, 413 its size, 489 its
 * schema or a thrown `NonRetryableError`, 429 a thrown `RetryAfterError`; anything else the
 * handler throws, stashkit errors from nested calls included, is a 500 (QStash retries).
 *
 * @param config - path, schema (optional), handler, publish defaults and verification options
 * @returns the definition, with `handle(Request)` and `handleRaw(raw)`
 * @throws InvalidOptionError `ERR_INVALID_OPTION` when `path`, `schema` or `handler` is missing or wrong
 * @example
 * ```ts
 * export const sendEmail = defineDestination({
 *   path: "/api/send-email",
 *   schema: z.object({ to: z.email(), subject: z.string() }),
 *   retries: 3,
 *   callback: "/api/on-delivered",
 *   handler: async ({ payload, delivery }) => {
 *     await mailer.send(payload);
 *     return { sent: true, attempt: delivery.retried };
 *   },
 * });
 * ```
 */
export function defineDestination<S extends StandardSchemaV1, Result = void>(
  config: DestinationConfig<S, Result>,
): DestinationDefinition<StandardSchemaV1.InferInput<S>, StandardSchemaV1.InferOutput<S>, Awaited<Result>>;
export function defineDestination<Result = void>(config: UntypedDestinationConfig<Result>): DestinationDefinition<unknown, unknown, Awaited<Result>>;
export function defineDestination(
  config: DestinationConfig<StandardSchemaV1, unknown> | UntypedDestinationConfig<unknown>,
): DestinationDefinition<unknown, unknown, unknown> {
  checkPath(config.path);
  const schema = config.schema ?? ANY_JSON;
  if (typeof schema?.["~standard"]?.validate !== "function") {
    throw new InvalidOptionError("schema", "must be a Standard Schema (e.g. a zod 4 schema), or left out");
  }
  checkHandler(config.handler);
  const { path } = config;
  const handler = config.handler as (context: DestinationContext<unknown>) => unknown;
  const handlers = createDeliveryHandlers(handlerOptionsOf(config), (verified) => {
    const payload = validateNow(schema, verified.value);
    if (payload instanceof Promise) return payload.then((value) => callHandler(handler, new PayloadContext(verified, value)));
    return callHandler(handler, new PayloadContext(verified, payload));
  });
  return Object.freeze({ kind: "destination", path, schema, defaults: defaultsOf(config), ...handlers });
}

/** The schema of a destination declared without one: any decoded body, unchanged. */
const ANY_JSON: StandardSchemaV1<unknown, unknown> = Object.freeze({
  "~standard": Object.freeze({
    version: 1 as const,
    vendor: "stashkit",
    validate: (value: unknown) => ({ value }),
  }),
});

/**
 * @internal A handler context whose `delivery` is parsed only if read; a class
 * so the lazy getter lives on the prototype instead of being defined per call.
 */
export class HandlerContext {
  readonly request: DeliveryRequestView;
  readonly #verified: VerifiedInput;

  constructor(verified: VerifiedInput) {
    this.request = verified.request;
    this.#verified = verified;
  }

  get delivery(): Delivery {
    return this.#verified.delivery;
  }
}

class PayloadContext<Payload> extends HandlerContext implements DestinationContext<Payload> {
  readonly payload: Payload;

  constructor(verified: VerifiedInput, payload: Payload) {
    super(verified);
    this.payload = payload;
  }
}

/** @internal Shared by the definition factories. */
export function checkPath(path: unknown): asserts path is string {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new InvalidOptionError("path", 'must be a string starting with "/"');
  }
}

/** @internal Shared by the definition factories. */
export function checkHandler(handler: unknown): void {
  if (typeof handler !== "function") throw new InvalidOptionError("handler", "must be a function");
}

const HANDLER_OPTION_KEYS = [
  "currentSigningKey",
  "nextSigningKey",
  "receiver",
  "clockTolerance",
  "maxBodyBytes",
  "publicBaseUrl",
  "trustProxy",
  "dangerouslySkipSignatureVerification",
  "onError",
  "onReject",
  "replayGuard",
] as const satisfies readonly (keyof HandlerOptions)[];

const DEFAULT_KEYS = [
  "retries",
  "timeout",
  "retryDelay",
  "delay",
  "queueName",
  "flowControl",
  "label",
  "headers",
  "callback",
  "failureCallback",
] as const satisfies readonly (keyof DestinationDefaults)[];

/** @internal Picks the verification options out of a definition config. */
export function handlerOptionsOf(config: HandlerOptions): HandlerOptions {
  return pick(config, HANDLER_OPTION_KEYS);
}

function defaultsOf(config: DestinationDefaults): DestinationDefaults {
  return Object.freeze(pick(config, DEFAULT_KEYS));
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
