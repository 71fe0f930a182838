import type { CronExpression } from "../protocol/cronExpression.js";
import { newScheduleId } from "../lib/ids.js";
import type { Message } from "./message.js";
import type { MessageSpec } from "../protocol/messageSpec.js";
import type { PublishResult } from "../protocol/publishAnswer.js";
import type { HeaderMap } from "../protocol/publishHeaders.js";
import type { Scheduler, TimerHandle } from "../lib/scheduler.js";

/** What creating a schedule needs. */
export interface ScheduleInput {
  scheduleId?: string;
  cron: CronExpression;
  destination: string;
  body: Buffer;
  headers: HeaderMap;
  spec: MessageSpec;
  queueName?: string;
  callerIp: string;
}

/** A cron schedule. */
export interface Schedule extends ScheduleInput {
  scheduleId: string;
  createdAt: number;
  paused: boolean;
  lastScheduleTime?: number;
  nextScheduleTime?: number;
  lastScheduleStates: Record<string, "IN_PROGRESS" | "SUCCESS" | "FAIL">;
  timer?: TimerHandle;
}

/** Publishes one trigger of a schedule. */
export type FireSchedule = (schedule: Schedule) => PublishResult[];

/**
 * Cron schedules that really fire: each schedule keeps one entry in the shared
 * {@link Scheduler} for its next minute boundary, and each trigger publishes a
 * normal message carrying `Upstash-Schedule-Id`.
 *
 * @example
 * ```ts
 * const schedule = schedules.upsert({ cron: parseCron("* * * * *"), ... });
 * schedules.trigger(schedule.scheduleId); // fire now, e.g. in tests
 * ```
 */
export class ScheduleRegistry {
  readonly #schedules = new Map<string, Schedule>();
  readonly #scheduler: Scheduler;
  readonly #now: () => number;
  readonly #fire: FireSchedule;

  /**
   * @param scheduler - Shared timer.
   * @param now - Clock, Unix ms.
   * @param fire - Publishes a trigger.
   */
  constructor(scheduler: Scheduler, now: () => number, fire: FireSchedule) {
    this.#scheduler = scheduler;
    this.#now = now;
    this.#fire = fire;
  }

  /** Creates a schedule, or overwrites the one with the same id. */
  upsert(input: ScheduleInput): Schedule {
    const scheduleId = input.scheduleId ?? newScheduleId();
    const previous = this.#schedules.get(scheduleId);
    if (previous?.timer !== undefined) this.#scheduler.cancel(previous.timer);
    const schedule: Schedule = {
      ...input,
      scheduleId,
      createdAt: previous?.createdAt ?? this.#now(),
      paused: false,
      lastScheduleStates: {},
    };
    this.#schedules.set(scheduleId, schedule);
    this.#arm(schedule);
    return schedule;
  }

  /** The schedule, or `undefined`. */
  get(scheduleId: string): Schedule | undefined {
    return this.#schedules.get(scheduleId);
  }

  /** All schedules. */
  list(): Schedule[] {
    return [...this.#schedules.values()];
  }

  /** Deletes a schedule; false when unknown. */
  delete(scheduleId: string): boolean {
    const schedule = this.#schedules.get(scheduleId);
    if (schedule === undefined) return false;
    if (schedule.timer !== undefined) this.#scheduler.cancel(schedule.timer);
    return this.#schedules.delete(scheduleId);
  }

  /** Pauses or resumes; false when unknown. Paused schedules ignore their triggers. */
  setPaused(scheduleId: string, paused: boolean): boolean {
    const schedule = this.#schedules.get(scheduleId);
    if (schedule === undefined) return false;
    schedule.paused = paused;
    return true;
  }

  /**
   * Fires a schedule now, as its cron would (test hook; paused schedules fire too).
   * @returns The messages published, or `undefined` when the schedule is unknown.
   */
  trigger(scheduleId: string): PublishResult[] | undefined {
    const schedule = this.#schedules.get(scheduleId);
    return schedule === undefined ? undefined : this.#publish(schedule);
  }

  /** Records the outcome of a message a schedule produced. */
  messageFinished(message: Message): void {
    if (message.scheduleId === undefined || message.kind !== "message") return;
    const schedule = this.#schedules.get(message.scheduleId);
    if (schedule === undefined || !(message.id in schedule.lastScheduleStates)) return;
    schedule.lastScheduleStates[message.id] = message.state === "DELIVERED" ? "SUCCESS" : "FAIL";
  }

  #arm(schedule: Schedule): void {
    const next = schedule.cron.next(this.#now());
    schedule.nextScheduleTime = next;
    if (next === undefined) return;
    schedule.timer = this.#scheduler.at(next, () => {
      schedule.timer = undefined;
      if (!schedule.paused) this.#publish(schedule);
      if (this.#schedules.get(schedule.scheduleId) === schedule) this.#arm(schedule);
    });
  }

  #publish(schedule: Schedule): PublishResult[] {
    schedule.lastScheduleTime = this.#now();
    let results: PublishResult[];
    try {
      results = this.#fire(schedule);
    } catch {
      // A URL group emptied after creation: the trigger publishes nothing, as QStash logs an error.
      results = [];
    }
    schedule.lastScheduleStates = {};
    for (const result of results) schedule.lastScheduleStates[result.messageId] = "IN_PROGRESS";
    return results;
  }
}
