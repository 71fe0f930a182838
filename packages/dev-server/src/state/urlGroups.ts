import { badRequest } from "../apiError.js";
import { SLICE, yieldToLoop } from "../lib/yieldToLoop.js";
import type { IsOwnUrl } from "../protocol/targetUrl.js";
import { parseTargetUrl } from "../protocol/targetUrl.js";

/** An endpoint of a URL group. */
export interface Endpoint {
  name?: string;
  url: string;
}

/** A URL group (path segment `topics`). */
export interface UrlGroup {
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Endpoints by URL, in the order they were (last) added; URLs are unique in a group. */
  byUrl: Map<string, Endpoint>;
  /** URL of the endpoint with each name. */
  byName: Map<string, string>;
}

/** The endpoints of a group, in order. */
export function endpointsOf(group: UrlGroup): Endpoint[] {
  return [...group.byUrl.values()];
}

function validEndpoint(value: unknown, index: number, isOwnUrl: IsOwnUrl): Endpoint {
  if (typeof value !== "object" || value === null) throw badRequest(`endpoints[${index}] must be an object with a url`);
  const { url, name } = value as { url?: unknown; name?: unknown };
  if (typeof url !== "string") throw badRequest(`endpoints[${index}].url must be an http(s) URL`);
  parseTargetUrl(url, `endpoints[${index}].url`, isOwnUrl);
  if (name !== undefined && typeof name !== "string") throw badRequest(`endpoints[${index}].name must be a string`);
  return name === undefined || name === "" ? { url } : { name, url };
}

function validSelector(value: unknown, index: number): Endpoint | { name: string; url?: undefined } {
  const item = value as { url?: unknown; name?: unknown } | null;
  const url = typeof item === "object" && item !== null ? item.url : undefined;
  const name = typeof item === "object" && item !== null ? item.name : undefined;
  if ((url !== undefined && typeof url !== "string") || (name !== undefined && typeof name !== "string") || (url === undefined && name === undefined)) {
    throw badRequest(`endpoints[${index}] must be an object with a url or a name`);
  }
  return name === undefined ? { url: url as string } : { name, url: url as string | undefined };
}

/**
 * URL groups: named endpoint lists that a publish fans out to (wire spec 6.4). Endpoints are
 * indexed by URL and name, so adding or removing n endpoints is O(n); a large request is
 * validated in slices that yield to the event loop, then applied in one step.
 *
 * @example
 * ```ts
 * await groups.addEndpoints("orders", [{ url: "http://127.0.0.1:3000/a" }]);
 * ```
 */
export class UrlGroupRegistry {
  readonly #groups = new Map<string, UrlGroup>();
  readonly #now: () => number;
  readonly #isOwnUrl: IsOwnUrl;

  /**
   * @param now - Clock, Unix ms.
   * @param isOwnUrl - Refuses endpoints that reach the dev server itself.
   */
  constructor(now: () => number = Date.now, isOwnUrl: IsOwnUrl = () => false) {
    this.#now = now;
    this.#isOwnUrl = isOwnUrl;
  }

  /**
   * Adds endpoints, creating the group if needed; an endpoint whose URL or
   * name already exists is replaced (and moves to the end).
   * @throws ApiError (400) for malformed endpoints, naming the first one; nothing is added then.
   */
  async addEndpoints(name: string, endpoints: unknown): Promise<UrlGroup> {
    if (!Array.isArray(endpoints) || endpoints.length === 0) throw badRequest("endpoints must be a non-empty array");
    const parsed: Endpoint[] = [];
    for (const [index, value] of endpoints.entries()) {
      if (index > 0 && index % SLICE === 0) await yieldToLoop();
      parsed.push(validEndpoint(value, index, this.#isOwnUrl));
    }
    const now = this.#now();
    const group = this.#groups.get(name) ?? { name, createdAt: now, updatedAt: now, byUrl: new Map(), byName: new Map() };
    for (const endpoint of parsed) {
      this.#removeUrl(group, endpoint.url);
      if (endpoint.name !== undefined) {
        const named = group.byName.get(endpoint.name);
        if (named !== undefined) this.#removeUrl(group, named);
        group.byName.set(endpoint.name, endpoint.url);
      }
      group.byUrl.set(endpoint.url, endpoint);
    }
    group.updatedAt = now;
    this.#groups.set(name, group);
    return group;
  }

  /**
   * Removes endpoints matched by name or URL; removing the last deletes the group.
   * @returns false when the group is unknown.
   * @throws ApiError (400) for a malformed body, naming the first bad entry; nothing is removed then.
   */
  async removeEndpoints(name: string, endpoints: unknown): Promise<boolean> {
    if (!Array.isArray(endpoints)) throw badRequest("endpoints must be an array");
    const selectors = [];
    for (const [index, value] of endpoints.entries()) {
      if (index > 0 && index % SLICE === 0) await yieldToLoop();
      selectors.push(validSelector(value, index));
    }
    const group = this.#groups.get(name);
    if (group === undefined) return false;
    for (const selector of selectors) {
      if (selector.url !== undefined) this.#removeUrl(group, selector.url);
      if (selector.name !== undefined) {
        const url = group.byName.get(selector.name);
        if (url !== undefined) this.#removeUrl(group, url);
      }
    }
    group.updatedAt = this.#now();
    if (group.byUrl.size === 0) this.#groups.delete(name);
    return true;
  }

  /** The group, or `undefined`. */
  get(name: string): UrlGroup | undefined {
    return this.#groups.get(name);
  }

  /** All groups. */
  list(): UrlGroup[] {
    return [...this.#groups.values()];
  }

  /** Deletes a group; false when unknown. */
  delete(name: string): boolean {
    return this.#groups.delete(name);
  }

  #removeUrl(group: UrlGroup, url: string): void {
    const existing = group.byUrl.get(url);
    if (existing === undefined) return;
    group.byUrl.delete(url);
    if (existing.name !== undefined && group.byName.get(existing.name) === url) group.byName.delete(existing.name);
  }
}
