import type { MessageSummary, SummaryKind } from "./messageSummary.js";

/** A body as the dashboard shows it: UTF-8 text, or base64 for other bytes. */
export interface BodyView {
  text?: string;
  base64?: string;
  /** Size in bytes. */
  size: number;
}

/** The decoded `Upstash-Signature` of one attempt. */
export interface SignatureView {
  token: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** One delivery attempt. */
export interface AttemptView {
  /** 1-based. */
  number: number;
  startedAt: number;
  durationMs?: number;
  /** HTTP status; absent for a network error or an attempt still in flight. */
  status?: number;
  error?: string;
  headers: Record<string, string[]>;
  body?: BodyView;
  /** When the retry that follows is due. */
  nextRetryAt?: number;
  signature?: SignatureView;
}

/** A callback or failure-callback message of a message, or the message a callback reports on. */
export interface LinkedMessage {
  id: string;
  kind: SummaryKind;
  state: string;
  url: string;
}

/** The message as it was published. */
export interface PublishedRequest {
  method: string;
  url: string;
  /** The message's headers as the API reports them (redacted where asked). */
  headers: Record<string, string[]>;
  /** Headers sent on to the destination. */
  forwardedHeaders: Record<string, string>;
  /** Configuration headers of the publish (`Upstash-*`, `Content-Type`), for "copy as curl". */
  publishHeaders: Record<string, string>;
  /** The body, or the redaction marker in `text`. */
  body: BodyView;
  bodyRedacted: boolean;
  retries: number;
  retryDelay?: string;
  timeoutMs: number;
  delayMs: number;
  notBefore: number;
  callback?: string;
  failureCallback?: string;
  flowControlKey?: string;
  deduplicationId?: string;
}

/** The answer of `GET /_stashkit/messages/{id}`. */
export interface MessageDetail {
  summary: MessageSummary;
  request: PublishedRequest;
  attempts: AttemptView[];
  /** Every state change, oldest first. */
  events: { time: number; state: string }[];
  callbacks: LinkedMessage[];
  parent?: LinkedMessage;
  /** Set while the message is in the dead-letter queue. */
  dlqId?: string;
  /** Whether `DELETE /v2/messages/{id}` would cancel it now. */
  cancellable: boolean;
}
