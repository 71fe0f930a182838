import { ApiError, badRequest, notFound } from "../apiError.js";
import { deduplicationKey, DedupWindow } from "../state/dedup.js";
import { NAME_PATTERN } from "../defaults.js";
import type { DeliveryEngine } from "./deliveryEngine.js";
import { assertHttpUrl, isUrlDestination } from "../protocol/destination.js";
import type { Message } from "../state/message.js";
import type { MessageSpec } from "../protocol/messageSpec.js";
import type { PublishAnswer, PublishResult } from "../protocol/publishAnswer.js";
import type { HeaderMap } from "../protocol/publishHeaders.js";
import { parsePublishHeaders } from "../protocol/publishHeaders.js";
import type { UrlGroupRegistry } from "../state/urlGroups.js";

/** A publish, whatever API it came through. */
export interface PublishInput {
  destination: string;
  headers: HeaderMap;
  body: Buffer;
  callerIp: string;
  queueName?: string;
  scheduleId?: string;
  /** Schedules publish the same content on every trigger, so they skip deduplication. */
  skipDeduplication?: boolean;
}

export type { PublishAnswer, PublishResult };

/** Target of one message of a publish. */
interface Target {
  url: string;
  topicName?: string;
  endpointName?: string;
}

/**
 * Turns publish requests into messages: validates headers, resolves URL groups
 * into one message per endpoint, applies deduplication and hands the messages
 * to the engine. Shared by publish, enqueue, batch, schedules and DLQ retry.
 *
 * @example
 * ```ts
 * publisher.publish({ destination: "http://127.0.0.1:3000/hook", headers: {}, body, callerIp });
 * ```
 */
export class Publisher {
  readonly #engine: DeliveryEngine;
  readonly #groups: UrlGroupRegistry;
  readonly #dedup: DedupWindow;
  readonly #now: () => number;

  /**
   * @param engine - Receives the messages.
   * @param groups - Resolves URL-group destinations.
   * @param now - Clock, Unix ms.
   */
  constructor(engine: DeliveryEngine, groups: UrlGroupRegistry, now: () => number) {
    this.#engine = engine;
    this.#groups = groups;
    this.#dedup = new DedupWindow();
    this.#now = now;
  }

  /**
   * Publishes one request.
   * @throws ApiError (400) for invalid headers, destination or queue name; (404) for an unknown URL group.
   */
  publish(input: PublishInput): PublishAnswer {
    if (input.queueName !== undefined && !NAME_PATTERN.test(input.queueName)) throw badRequest("queue name is invalid");
    const spec = parsePublishHeaders(input.headers);
    const { targets, isGroup } = this.#targets(input.destination);
    const results = targets.map((target) => this.#publishOne(input, spec, target));
    return isGroup ? results : results[0]!;
  }

  /**
   * Publishes a copy of a dead-lettered message (new id, same destination, body
   * and configuration), with `overrides` replacing configuration headers.
   * @throws ApiError (400) when an override header is invalid.
   */
  republish(original: Message, overrides: HeaderMap): PublishResult {
    const spec = parsePublishHeaders({ ...original.spec.rawHeaders, ...overrides });
    const message = this.#engine.accept({
      url: original.url,
      body: original.body,
      spec,
      callerIp: original.callerIp,
      queueName: original.queueName,
      scheduleId: original.scheduleId,
      topicName: original.topicName,
      endpointName: original.endpointName,
    });
    return { messageId: message.id, url: message.url };
  }

  #targets(destination: string): { targets: Target[]; isGroup: boolean } {
    if (isUrlDestination(destination)) {
      assertHttpUrl(destination);
      return { targets: [{ url: destination }], isGroup: false };
    }
    if (destination === "api/llm" || destination.startsWith("api/")) {
      throw new ApiError(400, "api destinations are not supported by the dev server");
    }
    if (!NAME_PATTERN.test(destination)) throw badRequest("invalid destination: expected an http(s) URL or a URL group name");
    const group = this.#groups.get(destination);
    if (group === undefined) throw notFound("url group");
    const targets = group.endpoints.map((e) => ({ url: e.url, topicName: group.name, endpointName: e.name }));
    return { targets, isGroup: true };
  }

  #publishOne(input: PublishInput, spec: MessageSpec, target: Target): PublishResult {
    const now = this.#now();
    const key = input.skipDeduplication ? undefined : deduplicationKey(spec, target.url, input.body);
    if (key !== undefined) {
      const existing = this.#dedup.lookup(key, now);
      if (existing !== undefined) return { messageId: existing, url: target.url, deduplicated: true };
    }
    const message = this.#engine.accept({
      url: target.url,
      body: input.body,
      spec,
      callerIp: input.callerIp,
      queueName: input.queueName,
      scheduleId: input.scheduleId,
      topicName: target.topicName,
      endpointName: target.endpointName,
    });
    if (key !== undefined) this.#dedup.remember(key, message.id, now);
    return { messageId: message.id, url: target.url };
  }
}

/**
 * HTTP status of a publish answer: 202 when everything was a duplicate (wire spec 2.6).
 * @param answer - Result of {@link Publisher.publish}.
 */
export function publishStatus(answer: PublishAnswer): number {
  const results = Array.isArray(answer) ? answer : [answer];
  return results.length > 0 && results.every((r) => r.deduplicated === true) ? 202 : 200;
}
