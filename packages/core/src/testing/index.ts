// Public entry of @stashkit/core/testing: helpers for users' tests and for the dev server.
// Every export is listed by name.

// --- deliveries as QStash sends them ---
export { buildDeliveryRequest } from "./buildDeliveryRequest.js";
export { buildCallbackRequest } from "./buildCallbackRequest.js";
export type { CallbackReportInput, AnyCallback, SourcePayloadOf } from "./buildCallbackRequest.js";
export { deliver } from "./deliver.js";
export type { DeliveryRequestOptions } from "./signedDeliveryRequest.js";

// --- signing and callback helpers ---
export { signDelivery } from "./signDelivery.js";
export type { SignDeliveryOptions, DeliveryClaimsInput } from "./signDelivery.js";
export { buildCallbackPayload } from "./buildCallbackPayload.js";
export type { BuildCallbackPayloadOptions, CallbackReport } from "./buildCallbackPayload.js";

export { DEV_SERVER_CREDENTIALS } from "../verify/devServerCredentials.js";
