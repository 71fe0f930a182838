import { badRequest } from "../apiError.js";

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
  endpoints: Endpoint[];
}

function validEndpoint(value: unknown): Endpoint {
  if (typeof value !== "object" || value === null) throw badRequest("endpoints must be objects");
  const { url, name } = value as { url?: unknown; name?: unknown };
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) throw badRequest("endpoint url must be an http(s) URL");
  try {
    new URL(url);
  } catch {
    throw badRequest("endpoint url must be an http(s) URL");
  }
  if (name !== undefined && typeof name !== "string") throw badRequest("endpoint name must be a string");
  return name === undefined || name === "" ? { url } : { name, url };
}

/**
 * URL groups: named endpoint lists that a publish fans out to (wire spec 6.4).
 *
 * @example
 * ```ts
 * groups.addEndpoints("orders", [{ url: "http://127.0.0.1:3000/a" }]);
 * ```
 */
export class UrlGroupRegistry {
  readonly #groups = new Map<string, UrlGroup>();
  readonly #now: () => number;

  /** @param now - Clock, Unix ms. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Adds endpoints, creating the group if needed; an endpoint whose URL or
   * name already exists is replaced.
   * @throws ApiError (400) for malformed endpoints.
   */
  addEndpoints(name: string, endpoints: unknown): UrlGroup {
    if (!Array.isArray(endpoints) || endpoints.length === 0) throw badRequest("endpoints must be a non-empty array");
    const parsed = endpoints.map(validEndpoint);
    const now = this.#now();
    const group = this.#groups.get(name) ?? { name, createdAt: now, updatedAt: now, endpoints: [] };
    for (const endpoint of parsed) {
      group.endpoints = group.endpoints.filter(
        (e) => e.url !== endpoint.url && (endpoint.name === undefined || e.name !== endpoint.name),
      );
      group.endpoints.push(endpoint);
    }
    group.updatedAt = now;
    this.#groups.set(name, group);
    return group;
  }

  /**
   * Removes endpoints matched by name or URL; removing the last deletes the group.
   * @returns false when the group is unknown.
   * @throws ApiError (400) for a malformed body.
   */
  removeEndpoints(name: string, endpoints: unknown): boolean {
    const group = this.#groups.get(name);
    if (group === undefined) return false;
    if (!Array.isArray(endpoints)) throw badRequest("endpoints must be an array");
    for (const item of endpoints as { url?: unknown; name?: unknown }[]) {
      group.endpoints = group.endpoints.filter(
        (e) => !((item.url !== undefined && e.url === item.url) || (item.name !== undefined && e.name === item.name)),
      );
    }
    group.updatedAt = this.#now();
    if (group.endpoints.length === 0) this.#groups.delete(name);
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
}
