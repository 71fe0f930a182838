// How the CLI (and the repository's demo) put a delivery attempt into words, from the log
// objects the server emits (`state/events.ts`). Pure functions: no I/O, no clock of their own.
import { STATUS_CODES } from "node:http";
import type { LogObject } from "../state/events.js";

const MAX_BODY_CHARS = 80;
const MAX_ISSUES = 2;

/**
 * Why an attempt failed, in one short phrase: the status with the `error` (and `reason` or
 * first issues) of a stashkit JSON error body, else the first bytes of the body, else the
 * network error when no response came.
 *
 * @param event - a log object whose attempt failed (`ERROR`, `RETRY` or `FAILED`)
 * @returns e.g. `401 invalid signature (bad_signature)`, `500 "upstream down"`, `no response: connection refused`
 * @example
 * ```ts
 * failureReason({ responseStatus: 500, responseBody: btoa('{"error":"internal error"}') }); // "500 internal error"
 * ```
 */
export function failureReason(event: LogObject): string {
  const status = event["responseStatus"];
  if (typeof status !== "number") return `no response: ${typeof event["error"] === "string" ? event["error"] : "unknown error"}`;
  const body = typeof event["responseBody"] === "string" ? Buffer.from(event["responseBody"], "base64").toString("utf8") : "";
  const detail = errorText(body) ?? bodyExcerpt(body) ?? STATUS_CODES[status];
  return detail === undefined ? String(status) : `${status} ${detail}`;
}

function errorText(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || typeof (value as { error?: unknown }).error !== "string") return undefined;
  const { error, reason, issues } = value as { error: string; reason?: unknown; issues?: unknown };
  if (typeof reason === "string") return `${error} (${reason})`;
  const listed = Array.isArray(issues) ? issues.slice(0, MAX_ISSUES).map(issueText).filter((text) => text !== "") : [];
  if (listed.length === 0) return error;
  const more = Array.isArray(issues) && issues.length > MAX_ISSUES ? `, +${issues.length - MAX_ISSUES} more` : "";
  return `${error} (${listed.join("; ")}${more})`;
}

function issueText(issue: unknown): string {
  if (typeof issue !== "object" || issue === null) return "";
  const { path, message } = issue as { path?: unknown; message?: unknown };
  if (typeof message !== "string") return "";
  return typeof path === "string" && path !== "" ? `${path}: ${message}` : message;
}

function bodyExcerpt(body: string): string | undefined {
  // One line, whatever the body holds: line breaks, indentation and control bytes (the body may
  // be binary) collapse to single spaces.
  const flat = body.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
  if (flat === "") return undefined;
  return JSON.stringify(flat.length > MAX_BODY_CHARS ? `${flat.slice(0, MAX_BODY_CHARS)}…` : flat);
}

/**
 * A time of day on the local clock with milliseconds, as log lines show it.
 * @param ms - Unix ms
 * @returns e.g. `10:20:01.120`
 */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * A wait in words.
 * @param ms - milliseconds
 * @returns e.g. `in 250 ms`, `in 1.0 s`, `in 4 min 10 s`
 */
export function inTime(ms: number): string {
  if (ms < 1000) return `in ${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `in ${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `in ${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `in ${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** The attempt outcome of one log object, in the words a log line uses. */
export interface AttemptStory {
  /** `attempt 2/4` for the attempt this event is about; empty when the event ends no attempt (a cancel). */
  attempt: string;
  /** What happened and, for a retry, when the next attempt is due; `undefined` for states that are no attempt's end. */
  outcome: string | undefined;
}

/**
 * Puts the end of one attempt into words: delivered, failed and retried (with the time of the
 * next attempt), failed for good (and why), or cancelled.
 *
 * @param event - a log object (wire spec 6.6) as the server emits it
 * @returns the attempt label and the outcome phrase
 * @example
 * ```ts
 * attemptStory(event).outcome; // "failed: 500 internal error; next attempt 2/4 at 10:20:02.120 (in 1.0 s)"
 * ```
 */
export function attemptStory(event: LogObject): AttemptStory {
  const retried = Number(event["retried"] ?? 0);
  const total = Number(event["maxRetries"] ?? 0) + 1;
  switch (event["state"]) {
    case "DELIVERED":
      return { attempt: `attempt ${retried + 1}/${total}`, outcome: `delivered (${String(event["responseStatus"])})` };
    case "RETRY": {
      // The server counts the retry before recording it: `retried` is already the next attempt's.
      const next = Number(event["nextDeliveryTime"]);
      const when = Number.isFinite(next) ? ` at ${clockTime(next)} (${inTime(next - Number(event["time"]))})` : "";
      return { attempt: `attempt ${retried}/${total}`, outcome: `failed: ${failureReason(event)}; next attempt ${retried + 1}/${total}${when}` };
    }
    case "FAILED": {
      const why = retried + 1 < total ? "not retryable" : "no retries left";
      return { attempt: `attempt ${retried + 1}/${total}`, outcome: `failed: ${failureReason(event)}; ${why}: moved to the DLQ` };
    }
    case "CANCELLED":
      return { attempt: "", outcome: "cancelled" };
    default:
      return { attempt: `attempt ${retried + 1}/${total}`, outcome: undefined };
  }
}

const KIND_LABEL: Record<string, string> = { callback: "callback ", failureCallback: "failure callback " };

/**
 * One log line per finished attempt, `undefined` for the other state changes (`CREATED`,
 * `ACTIVE`, and `ERROR`, whose reason the `RETRY` or `FAILED` line that follows it carries).
 *
 * @param event - a log object as the server emits it
 * @returns e.g. `10:20:01.120 RETRY     msg_… POST http://localhost:3000/api/send-email attempt 1/4 failed: 500 internal error; next attempt 2/4 at 10:20:02.120 (in 1.0 s)`
 * @example
 * ```ts
 * server.on("event", (event) => {
 *   const line = describeEvent(event);
 *   if (line !== undefined) console.log(line);
 * });
 * ```
 */
export function describeEvent(event: LogObject): string | undefined {
  const { attempt, outcome } = attemptStory(event);
  if (outcome === undefined) return undefined;
  const kind = KIND_LABEL[String(event["kind"])] ?? "";
  const target = `${kind}${String(event["method"] ?? "POST")} ${String(event["url"])}`;
  const text = attempt === "" ? outcome : `${attempt} ${outcome}`;
  return `${clockTime(Number(event["time"]))} ${String(event["state"]).padEnd(9)} ${String(event["messageId"])} ${target} ${text}`;
}
