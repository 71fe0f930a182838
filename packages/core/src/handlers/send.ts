import type { AnyDestination, CallbackTarget, DestinationDefaults, PayloadOf } from "./defineDestination.js";
import type { PublishOptions } from "../publish/buildPublishRequest.js";
import { InvalidOptionError } from "../errors.js";
import { checkedJsonForm } from "./validateJsonForm.js";

/**
 * A typed pointer to a destination for producers that may only `import type`
 * the definition (the handler's module is not bundled into the producer). It
 * carries the path and, optionally, publish defaults; the payload type comes
 * from the type argument.
 */
export interface DestinationRef<D extends AnyDestination = AnyDestination> {
  /** Tells a ref from a definition at run time. */
  readonly kind: "destinationRef";
  /** Path (resolved against the app URL) or absolute URL. */
  readonly path: string;
  /** Publish defaults, as on the definition. */
  readonly defaults: DestinationDefaults;
  /** Type carrier only; never set at run time. */
  readonly "~destination"?: D | undefined;
}

/**
 * Builds a {@link DestinationRef} from a type-only import.
 *
 * @param path - the destination's path or absolute URL
 * @param defaults - publish defaults (callbacks, retries, …) the producer wants applied
 * @returns a ref usable with `client.send`
 * @throws InvalidOptionError `ERR_INVALID_OPTION` when `path` is not a string
 * @example
 * ```ts
 * import type { sendEmail } from "./routes";
 * const sendEmailRef = destinationRef<typeof sendEmail>("/api/send-email", { callback: "/api/on-delivered" });
 * await client.send(sendEmailRef, { to: "ada@example.com", subject: "Hi" });
 * ```
 */
export function destinationRef<D extends AnyDestination>(path: string, defaults: DestinationDefaults = {}): DestinationRef<D> {
  if (typeof path !== "string" || path === "") throw new InvalidOptionError("path", "must be a non-empty string");
  return Object.freeze({ kind: "destinationRef", path, defaults: Object.freeze({ ...defaults }) });
}

/** Per-call options of `client.send`: the destination's defaults, overridable, plus publish extras. */
export interface SendOptions
  extends DestinationDefaults,
    Pick<PublishOptions, "deduplicationId" | "contentBasedDeduplication" | "notBefore" | "redact"> {
  /**
   * Public base URL of the app that hosts the destination, e.g. `https://app.example.com`.
   * @default the client's `appUrl` option, else `process.env.STASHKIT_APP_URL`
   */
  readonly appUrl?: string;
  /**
   * Validate the payload with the destination's schema before publishing, in the form the
   * destination will receive it (`JSON.stringify` then `JSON.parse`), so a `Date`, an
   * `undefined` field or a `NaN` the schema needs is refused here rather than answered 489
   * on every delivery. Only possible when the definition itself, not a ref, is passed.
   * @default true
   */
  readonly validate?: boolean;
}

/** The client surface `sendToDestination` needs (the `Client` has it). */
export interface SendClient<Result = unknown> {
  /**
   * Publishes a JSON body.
   * @param options - destination URL and JSON body, plus publish options.
   * @returns the publish result
   */
  publishJSON(options: { destination: string; body: unknown }): Promise<Result>;
  /**
   * Enqueues a JSON body through a queue (used when `queueName` is set).
   * @param options - destination URL, JSON body and queue name, plus publish options.
   * @returns the publish result
   */
  enqueueJSON(options: { destination: string; body: unknown; queueName: string }): Promise<Result>;
  /**
   * Publishes a body as it is; when present, a validated payload is sent as the JSON text
   * validation produced instead of being serialised a second time by `publishJSON`.
   * @param options - destination URL, body text and content type, plus publish options.
   * @returns the publish result
   */
  publish?(options: { destination: string; body: string; contentType: string }): Promise<Result>;
  /**
   * Enqueues a body as it is (see `publish`).
   * @param options - destination URL, body text, content type and queue name, plus publish options.
   * @returns the publish result
   */
  enqueue?(options: { destination: string; body: string; contentType: string; queueName: string }): Promise<Result>;
  /** The client's `appUrl` option, if any. */
  readonly appUrl?: string | undefined;
}

/**
 * Publishes a typed payload to a destination's public URL, wiring its declared
 * callbacks and defaults (per-call options win). `client.send` delegates here.
 *
 * @param client - anything with `publishJSON` (the stashkit `Client`)
 * @param destination - the definition, a {@link DestinationRef}, or a path with an explicit type argument
 * @param payload - typed from the destination's schema input
 * @param options - per-call overrides and publish extras
 * @returns the client's publish result (`{ messageId, … }`)
 * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `appUrl`) when a path cannot be made absolute
 * @throws PayloadValidationError `ERR_INVALID_PAYLOAD` when the payload's JSON form fails the
 *   schema (nothing is published)
 * @example
 * ```ts
 * await sendToDestination(client, sendEmail, { to: "ada@example.com", subject: "Hi" }, { delay: "10s" });
 * ```
 */
export async function sendToDestination<D extends AnyDestination, Result = unknown>(
  client: SendClient<Result>,
  destination: D | DestinationRef<D> | string,
  payload: PayloadOf<D>,
  options: SendOptions = {},
): Promise<Result> {
  const target = typeof destination === "string" ? destinationRef<D>(destination) : destination;
  const checked = target.kind === "destination" && options.validate !== false ? await checkedJsonForm(target.schema, payload) : undefined;
  const merged: SendOptions = { ...target.defaults, ...definedOnly(options) };
  const base = appUrlOf(client, options);
  const publish = publishOptions(merged, base, target.path, payload);
  const { queueName } = merged;
  if (checked !== undefined) {
    const raw = { ...publish, body: checked.text, contentType: "application/json" };
    if (queueName === undefined && client.publish !== undefined) return client.publish(raw);
    if (queueName !== undefined && client.enqueue !== undefined) return client.enqueue({ ...raw, queueName });
  }
  return queueName === undefined ? client.publishJSON(publish) : client.enqueueJSON({ ...publish, queueName });
}

type PublishFields = { destination: string; body: unknown } & Record<string, unknown>;

function publishOptions(merged: SendOptions, base: string | undefined, path: string, body: unknown): PublishFields {
  const { appUrl: _appUrl, validate: _validate, queueName: _queueName, callback, failureCallback, ...rest } = merged;
  const out: PublishFields = { ...rest, destination: absolute(path, base), body };
  if (callback !== undefined) out["callback"] = callbackOption(callback, base);
  if (failureCallback !== undefined) out["failureCallback"] = callbackOption(failureCallback, base);
  return out;
}

function callbackOption(target: CallbackTarget, base: string | undefined): string | Record<string, unknown> {
  if (typeof target === "string") return absolute(target, base);
  const { path, method, retries, timeout, retryDelay, headers } = target;
  return definedOnly({ url: absolute(path, base), method, retries, timeout, retryDelay, headers });
}

function absolute(path: string, base: string | undefined): string {
  if (/^https?:\/\//i.test(path)) return path;
  if (!base) {
    throw new InvalidOptionError("appUrl", "is needed to send to a path: set the client's appUrl or STASHKIT_APP_URL");
  }
  try {
    return new URL(path, base).href;
  } catch (error) {
    throw new InvalidOptionError("appUrl", "must be an absolute http(s) URL", { cause: error });
  }
}

function appUrlOf(client: SendClient<unknown>, options: SendOptions): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return options.appUrl ?? client.appUrl ?? (env?.["STASHKIT_APP_URL"] || undefined);
}

function definedOnly<T extends object>(source: T): T {
  const out = {} as T;
  for (const key of Object.keys(source) as (keyof T)[]) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
