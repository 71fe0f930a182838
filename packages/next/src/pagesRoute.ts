import type { HandlerOptions, RawDeliveryRequest } from "@stashkit/core";
import { handleNodeRequest, toRawRequest, writeRawResponse } from "@stashkit/core/node";
import type { RawHandler } from "@stashkit/core/node";
import { BodyParserEnabledError } from "./bodyParserEnabledError.js";

// node:http's types, taken from the bridge so this file names no `node:` module.
type IncomingMessage = Parameters<typeof handleNodeRequest>[1];
type ServerResponse = Parameters<typeof handleNodeRequest>[2];

/** A Pages Router API handler (`NextApiHandler`-compatible). */
export type PagesHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Mounts a stashkit definition as a Pages Router API route. It reads the raw body
 * itself through core's Node bridge, so the route must turn Next's body parser off;
 * if it is left on, deliveries are answered `500` with a message naming the fix.
 *
 * @param definition - from `defineDestination`, `defineCallback` or `defineFailureCallback`
 * @param options - host options layered over the definition's own (`publicBaseUrl`,
 *   `trustProxy`, keys, `maxBodyBytes`, `onError`…). The URL checked by default is the
 *   connection's scheme, the validated `Host` header and the request path.
 * @default options `{}` (the definition's own options only)
 * @returns the default export of `pages/api/….ts`
 * @throws never: errors become responses; a parsed body is `ERR_BODY_ALREADY_PARSED` (500).
 * @example
 * ```ts
 * // pages/api/send-email.ts
 * import { pagesRoute } from "@stashkit/next";
 * import { sendEmail } from "@/lib/jobs";
 *
 * export const config = { api: { bodyParser: false } };
 * export default pagesRoute(sendEmail);
 * ```
 */
export function pagesRoute(definition: RawHandler, options?: HandlerOptions): PagesHandler {
  return async (req, res) => {
    if (!bodyParserRan(req)) return handleNodeRequest(definition, req, res, options);
    const raw: RawDeliveryRequest = { ...toRawRequest(req), body: rejecting(new BodyParserEnabledError()) };
    writeRawResponse(res, await definition.handleRaw(raw, options));
  };
}

// Next's parser drains the stream and sets `req.body` (a string re-encoded could still
// differ from the signed bytes), so any drained body means the parser is on.
function bodyParserRan(req: IncomingMessage): boolean {
  return req.readableEnded && (req as { body?: unknown }).body !== undefined;
}

// Fails when core reads the body, so the error goes through core's status table and onError.
function rejecting(error: Error): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
}
