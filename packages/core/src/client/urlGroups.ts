import { parseApiResponse, urlGroupListSchema, urlGroupSchema } from "./apiSchemas.js";
import type { UrlGroup } from "./apiSchemas.js";
import { nameSegment } from "./apiPath.js";
import { InvalidOptionError } from "../errors.js";
import type { Transport } from "./transport.js";

/** An endpoint to add to a URL group. */
export interface UrlGroupEndpoint {
  /** Absolute `http(s)` URL messages are delivered to. */
  url: string;
  /** Optional name, usable to remove the endpoint later. */
  name?: string;
}

/** Identifies an endpoint to remove: by URL or by name. */
export type UrlGroupEndpointRef =
  | {
      /** The endpoint's URL. */
      url: string;
      /** The endpoint's name. */
      name?: string;
    }
  | {
      /** The endpoint's name. */
      name: string;
      /** The endpoint's URL. */
      url?: string;
    };

/**
 * URL groups (fan-out destinations; "topics" on the wire). Reached as `client.urlGroups`.
 * @example
 * ```ts
 * await client.urlGroups.addEndpoints("billing", [{ url: "https://a.example/hook" }]);
 * ```
 */
export class UrlGroups {
  readonly #transport: Transport;

  /** @internal Built by `Client`. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Adds endpoints to a URL group, creating the group if needed.
   * @param urlGroup - the group's name.
   * @param endpoints - at least one endpoint.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad group name, no endpoints or a non-http(s) URL.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
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
   * @param urlGroup - the group's name.
   * @param endpoints - at least one endpoint, by URL or name.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad group name or an endpoint without url and name.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
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
   * @param urlGroup - the group's name.
   * @throws QStashHttpError `ERR_HTTP` with status 404 for an unknown group.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `urlGroup`) for an invalid name (nothing is sent).
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
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
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer has an unexpected shape.
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
   * @param urlGroup - the group's name.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `urlGroup`) for an invalid name (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
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
