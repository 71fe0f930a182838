import type { Redaction } from "./redaction.js";

/** How a callback or failure-callback message is delivered. */
export interface CallbackSpec {
  url: string;
  method: string;
  /** Defaults to the source message's retries. */
  retries?: number;
  /** Defaults to the source message's expression. */
  retryDelay?: string;
  /** Defaults to the source message's timeout. */
  timeoutMs?: number;
  delayMs: number;
  /** Headers delivered to the callback URL (prefix already removed). */
  forwardHeaders: Record<string, string>;
}

/** Flow-control settings of one publish (`Upstash-Flow-Control-*`). */
export interface FlowControlSpec {
  key: string;
  parallelism?: number;
  rate?: number;
  /** Rate period in ms; QStash's default is one second. */
  periodMs?: number;
}

/**
 * Everything a publish request's headers say about a message, validated. It is
 * shared by publish, enqueue, batch, schedules and DLQ retries.
 */
export interface MessageSpec {
  method: string;
  contentType?: string;
  delayMs: number;
  /** Absolute earliest delivery, Unix ms (`Upstash-Not-Before` wins over the delay). */
  notBefore?: number;
  retries: number;
  retryDelay?: string;
  timeoutMs?: number;
  callback?: CallbackSpec;
  failureCallback?: CallbackSpec;
  /** Headers delivered to the destination, prefix removed. */
  forwardHeaders: Record<string, string>;
  /** The publish's `Content-Type` and `Upstash-Forward-*` headers, prefix kept, as a callback's `sourceHeader` reports them. */
  sourceHeader: Record<string, string[]>;
  deduplicationId?: string;
  contentBasedDeduplication: boolean;
  flowControl?: FlowControlSpec;
  labels: string[];
  /** `Upstash-Redact-Fields`: hidden from logs and the API, never from deliveries. */
  redact?: Redaction;
  /** Lower-cased configuration as received, so a DLQ retry can re-apply it with overrides. */
  rawHeaders: Record<string, string>;
  /** Approximate bytes of this configuration, for the history byte budget. */
  headerBytes: number;
}
