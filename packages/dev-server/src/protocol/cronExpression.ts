import { Cron } from "croner";
import { badRequest } from "../apiError.js";

/** A validated `Upstash-Cron` value. */
export interface CronExpression {
  /** The header text as given (returned as the schedule's `cron`). */
  source: string;
  /** Next trigger strictly after `after` (Unix ms), or `undefined` if none. */
  next(after: number): number | undefined;
}

/**
 * Parses `Upstash-Cron`: five fields, UTC unless prefixed `CRON_TZ=<zone> `.
 * The cron math is croner's.
 *
 * @param source - Header text, e.g. `CRON_TZ=America/New_York 0 4 * * *`.
 * @throws ApiError (400) naming the header when the pattern or zone is invalid.
 * @example
 * ```ts
 * parseCron("* * * * *").next(Date.UTC(2026, 0, 1, 0, 0, 30)); // Date.UTC(2026, 0, 1, 0, 1)
 * ```
 */
export function parseCron(source: string): CronExpression {
  const text = source.trim();
  const match = /^CRON_TZ=(\S+)\s+(.+)$/.exec(text);
  const timezone = match?.[1] ?? "UTC";
  const pattern = match?.[2] ?? text;
  if (pattern.split(/\s+/).length !== 5) throw badRequest("invalid Upstash-Cron header: expected five fields");
  let job: Cron;
  try {
    job = new Cron(pattern, { timezone, mode: "5-part", paused: true });
    job.nextRun(new Date());
  } catch {
    throw badRequest("invalid Upstash-Cron header");
  }
  return {
    source: text,
    next(after) {
      return job.nextRun(new Date(after))?.getTime();
    },
  };
}
