import type { DeliveryEngine } from "./engine/deliveryEngine.js";
import type { DeadLetterQueue } from "./state/dlq.js";
import type { EventLog } from "./state/events.js";
import type { Publisher } from "./engine/publisher.js";
import type { ScheduleRegistry } from "./state/schedules.js";
import type { SelfAddress } from "./protocol/selfAddress.js";
import type { SigningKeys } from "./state/signingKeys.js";
import type { UrlGroupRegistry } from "./state/urlGroups.js";

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
  /** Where the server listens; refuses Hosts and URLs that are not / are this server. */
  self: SelfAddress;
}
