// Reads a callback delivery's JSON report (wire spec section 5) with its base64 fields decoded.
import type { Delivery } from "./recordingDestination.js";

/** A callback report as received, plus the decoded `body` and `sourceBody`. */
export interface DecodedReport {
  raw: Record<string, unknown>;
  status: unknown;
  retried: number;
  maxRetries: unknown;
  sourceMessageId: unknown;
  dlqId: unknown;
  url: unknown;
  method: unknown;
  header: unknown;
  sourceHeader: unknown;
  createdAt: unknown;
  notBefore: unknown;
  /** `body` decoded as UTF-8 text. */
  bodyText: string;
  /** `sourceBody` decoded as UTF-8 text. */
  sourceBodyText: string;
}

/** Decodes the report a callback or failure-callback delivery carries. */
export function decodeReport(delivery: Delivery): DecodedReport {
  const raw = JSON.parse(delivery.text) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : "");
  return {
    raw,
    status: raw["status"],
    retried: typeof raw["retried"] === "number" ? raw["retried"] : 0,
    maxRetries: raw["maxRetries"],
    sourceMessageId: raw["sourceMessageId"],
    dlqId: raw["dlqId"],
    url: raw["url"],
    method: raw["method"],
    header: raw["header"],
    sourceHeader: raw["sourceHeader"],
    createdAt: raw["createdAt"],
    notBefore: raw["notBefore"],
    bodyText: text(raw["body"]),
    sourceBodyText: text(raw["sourceBody"]),
  };
}
