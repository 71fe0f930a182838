// The definitions every host runs the shared contract suite against (see contractSuite.ts).
//
// How a host mounts them: each definition answers POST on its `path`, at the origin the suite
// is given as `baseUrl` (e.g. http://127.0.0.1:PORT), with NO proxy rewriting and no body
// parser consuming the raw bytes first.
//   - fetch-native hosts (App Router):  export const POST = (req: Request) => definition.handle(req)
//     in app/api/contract/destination/route.ts, .../callback/route.ts, .../failure-callback/route.ts
//   - Node hosts: handleNodeRequest(definition, req, res) from "@stashkit/core/node",
//     or app.use(stashkit(contractDefinitions)) with @stashkit/express.
// Keys are fixed test keys given on the definitions, so hosts need no environment.
//
// If a host cannot import this file, it must define routes with exactly these behaviours:
//   destination: schema { name: string (min 1), count: int >= 0, action?: "echo" | "nonRetryable" |
//     "retryAfter" | "crash" }; "echo"/absent returns { echo: payload, messageId, retried };
//     "nonRetryable" throws new NonRetryableError("contract says no"); "retryAfter" throws
//     new RetryAfterError(42); "crash" throws new Error(SECRET_CRASH_MESSAGE).
//   callback / failure callback (destination: the destination above): return
//     { kind, status, sourceMessageId, retried, dlqId, body: callback.bodyText, sourcePayload }.
import { z } from "zod";
import { defineCallback, defineDestination, defineFailureCallback, NonRetryableError, RetryAfterError } from "@stashkit/core";

/** Signing keys of the contract suite (not the dev server's). */
export const CONTRACT_KEYS = {
  currentSigningKey: "sig_contractCurrent0000000000000",
  nextSigningKey: "sig_contractNext000000000000000000",
} as const;

/** Paths the suite calls, relative to the host's origin. */
export const CONTRACT_PATHS = {
  destination: "/api/contract/destination",
  callback: "/api/contract/callback",
  failureCallback: "/api/contract/failure-callback",
} as const;

/** Thrown by the "crash" action; the suite checks it never reaches the response. */
export const SECRET_CRASH_MESSAGE = "db password is hunter2";

/** Seconds the "retryAfter" action asks for. */
export const CONTRACT_RETRY_AFTER = 42;

const contractPayload = z.object({
  name: z.string().min(1),
  count: z.number().int().nonnegative(),
  action: z.enum(["echo", "nonRetryable", "retryAfter", "crash"]).optional(),
});

export const contractDestination = defineDestination({
  path: CONTRACT_PATHS.destination,
  schema: contractPayload,
  ...CONTRACT_KEYS,
  onError: () => undefined,
  handler: ({ payload, delivery }) => {
    if (payload.action === "nonRetryable") throw new NonRetryableError("contract says no");
    if (payload.action === "retryAfter") throw new RetryAfterError(CONTRACT_RETRY_AFTER);
    if (payload.action === "crash") throw new Error(SECRET_CRASH_MESSAGE);
    return { echo: payload, messageId: delivery.messageId, retried: delivery.retried };
  },
});

export const contractCallback = defineCallback({
  path: CONTRACT_PATHS.callback,
  destination: contractDestination,
  ...CONTRACT_KEYS,
  onError: () => undefined,
  handler: ({ callback, sourcePayload }) => ({
    kind: "callback",
    status: callback.status,
    sourceMessageId: callback.sourceMessageId,
    retried: callback.retried,
    body: callback.bodyText,
    // Typed from the destination's schema: a compile error here means the typing broke.
    sourcePayload: { name: sourcePayload.name, count: sourcePayload.count },
  }),
});

export const contractFailureCallback = defineFailureCallback({
  path: CONTRACT_PATHS.failureCallback,
  destination: contractDestination,
  ...CONTRACT_KEYS,
  onError: () => undefined,
  handler: ({ callback, sourcePayload }) => ({
    kind: "failureCallback",
    status: callback.status,
    sourceMessageId: callback.sourceMessageId,
    retried: callback.retried,
    dlqId: callback.dlqId,
    body: callback.bodyText,
    sourcePayload: { name: sourcePayload.name, count: sourcePayload.count },
  }),
});

/**
 * A second route for the URL-binding attack tests: a token signed for the destination must
 * never run it, whatever Host the request carries.
 */
export const contractAdmin = defineDestination({
  path: "/api/contract/admin",
  ...CONTRACT_KEYS,
  onReject: () => undefined,
  handler: () => ({ ran: "admin" }),
});

/** Every contract definition, ready for `stashkit(contractDefinitions)`. */
export const contractDefinitions = [contractDestination, contractCallback, contractFailureCallback] as const;
