import { parseApiResponse, urlGroupListSchema, urlGroupSchema } from "./apiSchemas.js";
import type { UrlGroup } from "./apiSchemas.js";
import { nameSegment } from "./apiPath.js";
import { InvalidOptionError } from "./errors.js";
import type { Transport } from "./transport.js";

/** An endpoint to add to a URL group. */
export interface UrlGroupEndpoint {
  /** Absolute `http(s)` URL messages are delivered to. */
  url: string;
  /** Optional name, usable to remove the endpoint later. */
  name?: string;
}

/** Identifies an endpoint to remove: by URL or by name. */
export type UrlGroupEndpointRef = { url: string; name?: string } | { name: string; url?: string };

/** URL groups (fan-out destinations; "topics" on the wire). Reached as `client.urlGroups`. */
export class UrlGroups {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Adds endpoints to a URL group, creating the group if needed.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad group name, no endpoints or a non-http(s) URL.
   * @example
   * ```ts
   * await client.urlGroups.addEndpoints("billing", [{ url: "https://a.example/hook", name: "a" }]);
   * ```
   */
  async addEndpoints(urlGroup: string, endpoints: readonly UrlGroupEndpoint[]): Promise<void> {
    for (const [index, endpoint] of endpoints.entries()) checkUrl(`endpoints.${index}.url`, endpoint.url);
    await this.#endpoints("POST", urlGroup, endpoints);
  }

  /**
   * Removes endpoints (by URL or name); removing the last one deletes the group.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad group name or an endpoint without url and name.
   * @example
   * ```ts
   * await client.urlGroups.removeEndpoints("billing", [{ name: "a" }]);
   * ```
   */
  async removeEndpoints(urlGroup: string, endpoints: readonly UrlGroupEndpointRef[]): Promise<void> {
    for (const [index, endpoint] of endpoints.entries()) {
      if (!endpoint.url && !endpoint.name) throw new InvalidOptionError(`endpoints.${index}`, "needs a url or a name");
    }
    await this.#endpoints("DELETE", urlGroup, endpoints);
  }

  /**
   * Reads one URL group.
   * @throws QStashHttpError `ERR_HTTP` with status 404 for an unknown group.
   * @example
   * ```ts
   * const { endpoints } = await client.urlGroups.get("billing");
   * ```
   */
  async get(urlGroup: string): Promise<UrlGroup> {
    const path = `/v2/topics/${nameSegment("urlGroup", urlGroup)}`;
    const response = await this.#transport.send({ method: "GET", path, idempotent: true });
    return parseApiResponse(response.text, urlGroupSchema);
  }

  /**
   * Lists every URL group.
   * @example
   * ```ts
   * const groups = await client.urlGroups.list();
   * ```
   */
  async list(): Promise<UrlGroup[]> {
    const response = await this.#transport.send({ method: "GET", path: "/v2/topics", idempotent: true });
    return parseApiResponse(response.text, urlGroupListSchema);
  }

  /**
   * Deletes a URL group (schedules targeting it must be deleted first).
   * @example
   * ```ts
   * await client.urlGroups.delete("billing");
   * ```
   */
  async delete(urlGroup: string): Promise<void> {
    const path = `/v2/topics/${nameSegment("urlGroup", urlGroup)}`;
    await this.#transport.send({ method: "DELETE", path, idempotent: true });
  }

  async #endpoints(method: "POST" | "DELETE", urlGroup: string, endpoints: readonly object[]): Promise<void> {
    const path = `/v2/topics/${nameSegment("urlGroup", urlGroup)}/endpoints`;
    if (endpoints.length === 0) throw new InvalidOptionError("endpoints", "must not be empty");
    const headers = new Headers({ "content-type": "application/json" });
    const body = JSON.stringify({ endpoints });
    await this.#transport.send({ method, path, headers, body, idempotent: true });
  }
}

function checkUrl(option: string, url: unknown): void {
  let protocol = "";
  try {
    protocol = new URL(String(url)).protocol;
  } catch {
    // Reported below with the option name.
  }
  if (typeof url !== "string" || (protocol !== "http:" && protocol !== "https:")) {
    throw new InvalidOptionError(option, "must be an absolute http(s) URL");
  }
}
