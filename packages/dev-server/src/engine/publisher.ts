import { badRequest, notFound } from "../apiError.js";
import { deduplicationKey, DedupWindow } from "../state/dedup.js";
import { NAME_PATTERN } from "../defaults.js";
import type { DeliveryEngine } from "./deliveryEngine.js";
import { requestTarget } from "./deliveryEngine.js";
import { bodyClaim } from "./deliverySigner.js";
import { SLICE, yieldToLoop } from "../lib/yieldToLoop.js";
import { checkDestination } from "../protocol/destination.js";
import type { Message } from "../state/message.js";
import type { MessageSpec } from "../protocol/messageSpec.js";
import type { PublishAnswer, PublishResult } from "../protocol/publishAnswer.js";
import type { HeaderMap } from "../protocol/publishHeaders.js";
import { parsePublishHeaders } from "../protocol/publishHeaders.js";
import type { PublishRules } from "../protocol/publishRules.js";
import type { IsOwnUrl } from "../protocol/targetUrl.js";
import type { UrlGroupRegistry } from "../state/urlGroups.js";
import { endpointsOf } from "../state/urlGroups.js";

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
  /** The URL already parsed by validation, so the first attempt need not parse it again. */
  parsed?: URL;
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
  readonly #isOwnUrl: IsOwnUrl;

  /**
   * @param engine - Receives the messages.
   * @param groups - Resolves URL-group destinations.
   * @param now - Clock, Unix ms.
   * @param isOwnUrl - Refuses destinations and callbacks that reach the dev server itself.
   */
  constructor(engine: DeliveryEngine, groups: UrlGroupRegistry, now: () => number, isOwnUrl: IsOwnUrl) {
    this.#engine = engine;
    this.#groups = groups;
    this.#dedup = new DedupWindow();
    this.#now = now;
    this.#isOwnUrl = isOwnUrl;
  }

  /** What validating a publish needs now: the time and the server's own address. */
  rules(): PublishRules {
    return { now: this.#now(), isOwnUrl: this.#isOwnUrl };
  }

  /**
   * Publishes one request; a fan-out to a large URL group yields to the event loop between
   * slices of messages.
   * @throws ApiError (400) for invalid headers, destination or queue name; (404) for an unknown URL group.
   */
  async publish(input: PublishInput): Promise<PublishAnswer> {
    const { spec, targets, isGroup, claim } = this.#prepare(input);
    const results: PublishResult[] = [];
    for (const [index, target] of targets.entries()) {
      if (index > 0 && index % SLICE === 0) await yieldToLoop();
      results.push(this.#publishOne(input, spec, target, claim));
    }
    return isGroup ? results : results[0]!;
  }

  /**
   * Publishes one request at once, for callers that must answer synchronously (a schedule
   * trigger).
   * @throws ApiError as {@link Publisher.publish}.
   */
  publishNow(input: PublishInput): PublishAnswer {
    const { spec, targets, isGroup, claim } = this.#prepare(input);
    const results = targets.map((target) => this.#publishOne(input, spec, target, claim));
    return isGroup ? results : results[0]!;
  }

  #prepare(input: PublishInput): { spec: MessageSpec; targets: Target[]; isGroup: boolean; claim?: string } {
    if (input.queueName !== undefined && !NAME_PATTERN.test(input.queueName)) throw badRequest("queue name is invalid");
    const spec = parsePublishHeaders(input.headers, this.rules());
    const { targets, isGroup } = this.#targets(input.destination);
    // Every endpoint's message shares this body; hashing it here spares each its own SHA-256.
    // A lone message keeps hashing lazily, on its first attempt.
    const claim = targets.length > 1 ? bodyClaim(input.body) : undefined;
    return { spec, targets, isGroup, claim };
  }

  /**
   * Publishes a copy of a dead-lettered message (new id, same destination, body
   * and configuration), with `overrides` replacing configuration headers.
   * @throws ApiError (400) when an override header is invalid.
   */
  republish(original: Message, overrides: HeaderMap): PublishResult {
    const spec = parsePublishHeaders({ ...original.spec.rawHeaders, ...overrides }, this.rules());
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
    const url = checkDestination(destination, this.#isOwnUrl);
    if (url !== undefined) return { targets: [{ url: destination, parsed: url }], isGroup: false };
    const group = this.#groups.get(destination);
    if (group === undefined) throw notFound("url group");
    const targets = endpointsOf(group).map((e) => ({ url: e.url, topicName: group.name, endpointName: e.name }));
    return { targets, isGroup: true };
  }

  #publishOne(input: PublishInput, spec: MessageSpec, target: Target, claim: string | undefined): PublishResult {
    const now = this.#now();
    const key = input.skipDeduplication ? undefined : deduplicationKey(spec, target.url, input.body);
    if (key !== undefined) {
      const existing = this.#dedup.lookup(key, now);
      if (existing !== undefined) return { messageId: existing, url: target.url, deduplicated: true };
    }
    const message = this.#engine.accept({
      url: target.url,
      target: target.parsed === undefined ? undefined : requestTarget(target.parsed),
      body: input.body,
      spec,
      callerIp: input.callerIp,
      queueName: input.queueName,
      scheduleId: input.scheduleId,
      topicName: target.topicName,
      endpointName: target.endpointName,
      bodyClaim: claim,
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
