// Public entry of @stashkit/core. Every export is listed by name (no `export *`).
// Edit with small insertions inside your section; several people work on this file.

// --- errors ---
export { QStashError, InvalidOptionError, QStashHttpError, SignatureError } from "./errors.js";
export type { SignatureErrorReason } from "./errors.js";

// --- grammars and request builder ---
export { parseDuration, formatDuration } from "./duration.js";
export type { Duration } from "./duration.js";
export { parseRetryDelay, RetryDelaySyntaxError, RETRY_DELAY_MAX_MS } from "./retryDelay.js";
export type { RetryDelayExpression, RetryDelayNode, RetryDelayFunction } from "./retryDelay.js";
export { buildPublishRequest, buildPublishHeaders, publishOptionsSchema } from "./buildPublishRequest.js";
export type { PublishOptions } from "./buildPublishRequest.js";

// --- client ---
export { Client } from "./client.js";
export type { ClientOptions, ClientEnqueueOptions, PublishResponse, BatchResult } from "./client.js";
export { QStashNetworkError, QStashResponseError } from "./clientErrors.js";
export type { RetryOptions } from "./retryPolicy.js";
export type { FetchLike } from "./transport.js";
export type { ClientPublishOptions } from "./publishCall.js";
export type { BatchEntry } from "./batch.js";
export type { MessageFilter, BulkSelection } from "./filterQuery.js";
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
} from "./apiSchemas.js";
export type { Messages, MessageCancelFilter } from "./messages.js";
export type { Queues, QueueUpsertOptions } from "./queues.js";
export type { Dlq, DlqFilter, DlqPage, DlqListOptions } from "./dlq.js";
export type { Schedules, ScheduleCreateOptions } from "./schedules.js";
export type { UrlGroups, UrlGroupEndpoint, UrlGroupEndpointRef } from "./urlGroups.js";
export type { Keys } from "./keys.js";
export type { Events, EventFilter, EventListOptions } from "./events.js";

// --- receiver and parsers ---
export { Receiver } from "./receiver.js";
export type { ReceiverConfig, VerifyRequest, VerifiedDelivery, SafeVerifyResult } from "./receiver.js";
export type { DeliveryClaims } from "./deliveryClaims.js";
export type { SigningKeyName } from "./verifyEngine.js";
export { MAX_SIGNATURE_LENGTH } from "./signatureToken.js";
export { createMemoryReplayStore } from "./replayGuard.js";
export type { ReplayStore, MemoryReplayStoreOptions } from "./replayGuard.js";
export { resolvePublicUrl } from "./publicUrl.js";
export type { PublicUrlOptions, HeaderLookup } from "./publicUrl.js";
export { parseDelivery, DeliveryParseError } from "./parseDelivery.js";
export type { Delivery, DeliveryHeadersInput } from "./parseDelivery.js";
export { parseCallback, CallbackParseError, callbackPayloadSchema } from "./parseCallback.js";
export type { CallbackPayload } from "./parseCallback.js";

// --- typed handlers ---
export { defineDestination } from "./defineDestination.js";
export type {
  DestinationDefinition,
  DestinationConfig,
  DestinationContext,
  DestinationDefaults,
  CallbackTarget,
  CallbackTargetOptions,
  FlowControlDefaults,
  AnyDestination,
  PayloadOf,
  ParsedPayloadOf,
} from "./defineDestination.js";
export { defineCallback, defineFailureCallback } from "./defineCallback.js";
export type { CallbackDefinition, CallbackConfig, CallbackContext } from "./defineCallback.js";
export {
  NonRetryableError,
  RetryAfterError,
  PayloadValidationError,
  BodyTooLargeError,
  MissingSigningKeysError,
  BodyAlreadyParsedError,
} from "./handlerErrors.js";
export type { PayloadIssue } from "./handlerErrors.js";
export type {
  RawDeliveryRequest,
  RawDeliveryResponse,
  DeliveryRequestView,
  DeliveryHandlers,
  HandlerOptions,
  DeliveryVerifier,
} from "./handleDelivery.js";
export { errorToResponse, statusOfError } from "./errorStatus.js";
export { readBody, DEFAULT_MAX_BODY_BYTES } from "./readBody.js";
export type { BodySource, ChunkEmitter } from "./readBody.js";
export { validatePayload } from "./validatePayload.js";
export { sendToDestination, destinationRef } from "./send.js";
export type { DestinationRef, SendOptions, SendClient } from "./send.js";
