// The API's answer to a publish (wire spec section 2): shared by the engine that creates
// messages and by the state that records what a schedule trigger created.

/** One created (or deduplicated) message. */
export interface PublishResult {
  /** Id of the created message, or of the earlier one for a duplicate. */
  messageId: string;
  /** The destination URL. */
  url: string;
  /** `true` when an earlier message had the same deduplication id. */
  deduplicated?: boolean;
}

/** The answer to a publish: one result for a URL, an array for a URL group. */
export type PublishAnswer = PublishResult | PublishResult[];
