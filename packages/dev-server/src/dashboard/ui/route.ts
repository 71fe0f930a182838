import { useEffect, useState } from "preact/hooks";

/** A view of the page, from the URL fragment (`#/messages/msg_…`). */
export type Route =
  | { view: "messages" }
  | { view: "message"; id: string }
  | { view: "dlq" }
  | { view: "schedules" }
  | { view: "queues" }
  | { view: "urlGroups" }
  | { view: "flowControl" }
  | { view: "publish" };

const SIMPLE: Record<string, Route> = {
  "": { view: "messages" },
  messages: { view: "messages" },
  dlq: { view: "dlq" },
  schedules: { view: "schedules" },
  queues: { view: "queues" },
  "url-groups": { view: "urlGroups" },
  "flow-control": { view: "flowControl" },
  publish: { view: "publish" },
};

/** Parses a fragment; unknown ones show the message list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  const detail = /^messages\/(.+)$/.exec(path);
  if (detail !== null) return { view: "message", id: decodeURIComponent(detail[1]!) };
  return SIMPLE[path] ?? { view: "messages" };
}

/** The link to a message's detail. */
export function messageHref(id: string): string {
  return `#/messages/${encodeURIComponent(id)}`;
}

/** The current route, following `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
