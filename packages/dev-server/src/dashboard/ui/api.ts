// Calls to this server's API from the page: same origin, bearer token from the page's meta tag
// (or typed in once when the server does not hand it out).

const STORAGE_KEY = "stashkit-token";

/** The API token, or `undefined` until the user enters it. */
export function currentToken(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="stashkit-token"]')?.content;
  if (meta) return meta;
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Remembers a token typed by the user for this tab. */
export function saveToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}

/** A non-2xx answer of the API, with its `error` text. */
export class ApiFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
  }
}

/** Options of {@link api}. */
export interface ApiInit {
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Request headers with the bearer token. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = currentToken();
  return token === undefined ? extra : { authorization: `Bearer ${token}`, ...extra };
}

/**
 * One API call; resolves with the parsed JSON body (`undefined` when empty).
 * @throws ApiFailure for a non-2xx answer.
 */
export async function api<T = unknown>(method: string, path: string, init: ApiInit = {}): Promise<T> {
  const response = await fetch(path, { method, headers: authHeaders(init.headers), body: init.body, signal: init.signal });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message = (json as { error?: unknown } | undefined)?.error;
    throw new ApiFailure(response.status, typeof message === "string" ? message : `HTTP ${response.status}`);
  }
  return json as T;
}

/** The error text to show for a failed call. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
