import { badRequest } from "../apiError.js";
import { parseHeaderDuration } from "./serverDuration.js";

/** Parsed `Upstash-Flow-Control-Value`. */
export interface FlowControlLimits {
  parallelism?: number;
  rate?: number;
  periodMs?: number;
}

const MAX_PERIOD_MS = 7 * 24 * 60 * 60 * 1000;

function positiveInteger(text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw badRequest(`invalid Upstash-Flow-Control-Value header: ${name} must be a positive integer`);
  }
  return Number(text);
}

/**
 * Parses `parallelism=5, rate=10, period=1m` (any order, spaces optional;
 * `period` may be a bare number of seconds).
 *
 * @param value - Header text.
 * @throws ApiError (400) naming the header when a pair is malformed or unknown.
 * @example
 * ```ts
 * parseFlowControlValue("parallelism=2,rate=10,period=1m");
 * // { parallelism: 2, rate: 10, periodMs: 60_000 }
 * ```
 */
export function parseFlowControlValue(value: string): FlowControlLimits {
  const limits: FlowControlLimits = {};
  for (const pair of value.split(",")) {
    if (pair.trim() === "") continue;
    const [rawName, rawValue, extra] = pair.split("=");
    const name = rawName?.trim().toLowerCase() ?? "";
    const text = rawValue?.trim() ?? "";
    if (extra !== undefined || text === "") {
      throw badRequest("invalid Upstash-Flow-Control-Value header: expected name=value pairs");
    }
    if (name === "parallelism") limits.parallelism = positiveInteger(text, name);
    else if (name === "rate" || name === "ratepersecond") limits.rate = positiveInteger(text, "rate");
    else if (name === "period") limits.periodMs = parsePeriod(text);
    else throw badRequest(`invalid Upstash-Flow-Control-Value header: unknown key ${JSON.stringify(name)}`);
  }
  return limits;
}

function parsePeriod(text: string): number {
  const ms = parseHeaderDuration(text);
  if (ms === undefined || ms <= 0 || ms > MAX_PERIOD_MS) {
    throw badRequest("invalid Upstash-Flow-Control-Value header: period must be a duration up to 7d");
  }
  return ms;
}
