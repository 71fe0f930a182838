import type { DeliveryEngine } from "./deliveryEngine.js";
import type { DeadLetterQueue } from "./dlq.js";
import type { EventLog } from "./events.js";
import type { Publisher } from "./publisher.js";
import type { ScheduleRegistry } from "./schedules.js";
import type { SigningKeys } from "./signingKeys.js";
import type { UrlGroupRegistry } from "./urlGroups.js";

/** The state every route works on. */
export interface ServerContext {
  engine: DeliveryEngine;
  publisher: Publisher;
  schedules: ScheduleRegistry;
  urlGroups: UrlGroupRegistry;
  dlq: DeadLetterQueue;
  events: EventLog;
  keys: SigningKeys;
  now: () => number;
}
