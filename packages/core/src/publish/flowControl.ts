import { formatDuration } from "./duration.js";

/** Flow-control settings after validation (period in whole seconds). */
export interface ParsedFlowControl {
  key: string;
  parallelism?: number | undefined;
  rate?: number | undefined;
  period?: number | undefined;
}

/**
 * Formats the `Upstash-Flow-Control-Value` header in the official SDK's
 * spelling, `parallelism=5, rate=10, period=60s` (present parts only).
 */
export function formatFlowControlValue(flow: ParsedFlowControl): string {
  const parts: string[] = [];
  if (flow.parallelism !== undefined) parts.push(`parallelism=${flow.parallelism}`);
  if (flow.rate !== undefined) parts.push(`rate=${flow.rate}`);
  if (flow.period !== undefined) parts.push(`period=${formatDuration(flow.period)}`);
  return parts.join(", ");
}
