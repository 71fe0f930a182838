// Public entry of @stashkit/core. Every export is listed by name (no `export *`).

// --- errors ---
export { QStashError, InvalidOptionError, QStashHttpError, SignatureError, MissingSigningKeysError } from "./errors.js";
export type { SignatureErrorReason } from "./errors.js";

// --- grammars and request builder ---
export { parseDuration, formatDuration } from "./publish/duration.js";
export type { Duration } from "./publish/duration.js";
export { parseRetryDelay, RetryDelaySyntaxError, RETRY_DELAY_MAX_MS } from "./publish/retryDelay.js";
export type { RetryDelayExpression, RetryDelayNode, RetryDelayFunction } from "./publish/retryDelay.js";
export { buildPublishRequest, buildPublishHeaders } from "./publish/buildPublishRequest.js";
export type { PublishOptions } from "./publish/buildPublishRequest.js";
export type { CallbackOptions, DeliveryMethod, HeaderMap } from "./publish/publishOptions.js";

// --- client ---
export { Client } from "./client/client.js";
export type { ClientOptions, ClientEnqueueOptions, PublishResponse, BatchResult } from "./client/client.js";
export { QStashNetworkError, QStashResponseError } from "./client/clientErrors.js";
export type { RetryOptions } from "./client/retryPolicy.js";
export type { FetchLike } from "./client/transport.js";
export type { ClientPublishOptions } from "./client/publishCall.js";
export type { BatchEntry } from "./client/batch.js";
export type { MessageFilter, BulkSelection } from "./client/filterQuery.js";
export type {
  PublishResult,
  BatchEntryError,
  Message,
  DlqMessage,
  DlqList,
  DlqDeleted,
  DlqRetried,
  Cancelled,
  Queue,
  Schedule,
  UrlGroup,
  SigningKeys,
  LogEvent,
  EventList,
} from "./client/apiSchemas.js";
export type { Messages, MessageCancelFilter } from "./client/messages.js";
export type { Queues, QueueUpsertOptions } from "./client/queues.js";
export type { Dlq, DlqFilter, DlqPage, DlqListOptions } from "./client/dlq.js";
export type { Schedules, ScheduleCreateOptions } from "./client/schedules.js";
export type { UrlGroups, UrlGroupEndpoint, UrlGroupEndpointRef } from "./client/urlGroups.js";
export type { Keys } from "./client/keys.js";
export type { Events, EventFilter, EventListOptions } from "./client/events.js";

// --- receiver and parsers ---
export { Receiver } from "./verify/receiver.js";
export type { ReceiverConfig, VerifyRequest, VerifiedDelivery, SafeVerifyResult } from "./verify/receiver.js";
export type { DeliveryClaims } from "./verify/deliveryClaims.js";
export type { SigningKeyName } from "./verify/verifyEngine.js";
export { MAX_SIGNATURE_LENGTH } from "./verify/signatureToken.js";
export { createMemoryReplayStore } from "./verify/replayGuard.js";
export type { ReplayStore, MemoryReplayStoreOptions } from "./verify/replayGuard.js";
export { resolvePublicUrl } from "./verify/publicUrl.js";
export { RequestUrlError } from "./verify/requestUrl.js";
export type { RequestUrlField } from "./verify/requestUrl.js";
export type { PublicUrlOptions, HeaderLookup } from "./verify/publicUrl.js";
export { parseDelivery, DeliveryParseError } from "./parse/parseDelivery.js";
export type { Delivery, DeliveryHeadersInput } from "./parse/parseDelivery.js";
export { parseCallback, CallbackParseError } from "./parse/parseCallback.js";
export type { CallbackPayload } from "./parse/parseCallback.js";

// --- typed handlers ---
export { defineDestination } from "./handlers/defineDestination.js";
export type {
  DestinationDefinition,
  DestinationConfig,
  UntypedDestinationConfig,
  DestinationContext,
  DestinationDefaults,
  CallbackTarget,
  CallbackTargetOptions,
  FlowControlDefaults,
  AnyDestination,
  PayloadOf,
  ParsedPayloadOf,
} from "./handlers/defineDestination.js";
export { defineCallback, defineFailureCallback } from "./handlers/defineCallback.js";
export type { CallbackDefinition, CallbackConfig, CallbackContext } from "./handlers/defineCallback.js";
export {
  NonRetryableError,
  RetryAfterError,
  PayloadValidationError,
  BodyTooLargeError,
  BodyAlreadyParsedError,
} from "./handlers/handlerErrors.js";
export type { PayloadIssue } from "./handlers/handlerErrors.js";
export type {
  RawDeliveryRequest,
  RawDeliveryResponse,
  DeliveryRequestView,
  DeliveryHandlers,
  HandlerOptions,
  DeliveryVerifier,
} from "./handlers/handleDelivery.js";
export { errorToResponse, statusOfError } from "./handlers/errorStatus.js";
export type { RejectEvent } from "./handlers/rejection.js";
export { validateJsonForm } from "./handlers/validateJsonForm.js";
export { readBody, DEFAULT_MAX_BODY_BYTES } from "./handlers/readBody.js";
export type { BodySource, ChunkEmitter } from "./handlers/readBody.js";
export { validatePayload } from "./handlers/validatePayload.js";
export { sendToDestination, destinationRef } from "./handlers/send.js";
export type { DestinationRef, SendOptions, SendClient } from "./handlers/send.js";
