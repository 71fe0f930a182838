import { useCallback, useEffect, useState } from "preact/hooks";
import type { SummaryChange } from "../shared/messageSummary.js";
import { api, errorText } from "./api.js";
import { useRefreshOn } from "./messageStore.js";

/** Data of one `GET`, loaded on mount, reloaded after actions and when the stream says so. */
export interface ApiData<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => void;
}

const ANY_CHANGE = (): boolean => true;

/**
 * Loads `path` and reloads it (at most once per second) when a change `relevant` accepts streams in.
 * @param path - API path, e.g. `/v2/queues`.
 * @param relevant - Which changes make the data stale. @default any change
 */
export function useApiData<T>(path: string, relevant: (change: SummaryChange) => boolean = ANY_CHANGE): ApiData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const reload = useCallback(() => {
    api<T>("GET", path).then(
      (value) => {
        setData(value);
        setError(undefined);
      },
      (reason: unknown) => setError(errorText(reason)),
    );
  }, [path]);
  useEffect(reload, [reload]);
  useRefreshOn(relevant, reload, 1000);
  return { data, error, reload };
}

/** Runs API actions of a view: each one reloads the view's data, and its result becomes `notice`. */
export function useActions(reload: () => void): { notice: string | undefined; run: (action: () => Promise<unknown>, done: string) => void } {
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const run = (action: () => Promise<unknown>, done: string) => {
    action().then(
      () => setNotice(done),
      (reason: unknown) => setNotice(`Failed: ${errorText(reason)}`),
    ).finally(reload);
  };
  return { notice, run };
}
