import { useEffect, useMemo, useState } from "preact/hooks";
import type { MessageSummary, SummaryFilter } from "../../shared/messageSummary.js";
import { matchesFilter } from "../../shared/messageSummary.js";
import { StateBadge, StatusText } from "../components/parts.js";
import type { Column } from "../components/WindowedTable.js";
import { WindowedTable } from "../components/WindowedTable.js";
import { count, kindName, relative } from "../format.js";
import { store, useStoreVersion } from "../messageStore.js";
import { messageHref } from "../route.js";

const STATES = ["PENDING", "CREATED", "ACTIVE", "RETRY", "ERROR", "DELIVERED", "FAILED", "CANCEL_REQUESTED", "CANCELLED"];

/** Ticks once a second so ages stay current without re-rendering on every change. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function via(row: MessageSummary): string {
  const parts: string[] = [];
  if (row.queueName !== undefined) parts.push(`queue ${row.queueName}`);
  if (row.topicName !== undefined) parts.push(`group ${row.topicName}${row.endpointName ? `/${row.endpointName}` : ""}`);
  if (row.scheduleId !== undefined) parts.push(`schedule ${row.scheduleId}`);
  if (row.parentId !== undefined) parts.push(`${kindName(row.kind)} of ${row.parentId}`);
  return parts.join(", ");
}

function columns(now: number): Column<MessageSummary>[] {
  return [
    { title: "State", className: "col-state", cell: (row) => <StateBadge state={row.state} /> },
    {
      title: "Message id",
      className: "col-id mono",
      cell: (row) => (
        <a href={messageHref(row.id)} title={row.id}>
          {row.id}
        </a>
      ),
    },
    { title: "Destination", className: "col-url", cell: (row) => <span title={row.url}>{row.url}</span> },
    { title: "Via", className: "col-via", cell: (row) => <span title={via(row)}>{via(row)}</span> },
    { title: "Label", className: "col-label", cell: (row) => row.labels.join(", ") },
    { title: "Attempts", className: "col-num", cell: (row) => row.attempts },
    { title: "Last status", className: "col-status", cell: (row) => <StatusText status={row.lastStatus} error={row.lastError} /> },
    { title: "Age", className: "col-age", cell: (row) => <time title={new Date(row.createdAt).toISOString()}>{relative(row.createdAt, now)}</time> },
  ];
}

/** The live message list with its filters. */
export function MessagesView() {
  const version = useStoreVersion();
  const now = useNow();
  const [filter, setFilter] = useState<SummaryFilter>({});
  const [typed, setTyped] = useState<SummaryFilter>({});

  // Typing waits for a pause before the list is filtered again.
  useEffect(() => {
    const timer = setTimeout(() => setFilter(typed), 150);
    return () => clearTimeout(timer);
  }, [typed]);

  const rows = useMemo(() => {
    const out: MessageSummary[] = [];
    for (let i = store.rows.length - 1; i >= 0; i--) {
      const row = store.rows[i]!;
      if (matchesFilter(row, filter)) out.push(row);
    }
    return out;
  }, [version, filter]);

  const set = (key: keyof SummaryFilter) => (event: Event) =>
    setTyped({ ...typed, [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });

  return (
    <section aria-labelledby="messages-title" class="messages-view">
      <div class="view-head">
        <h2 id="messages-title">Messages</h2>
        <p role="status" class="muted" id="message-count">
          {count(rows.length)} of {count(store.rows.length)} messages
          {store.omitted > 0 ? ` (${count(store.omitted)} older ones not loaded)` : ""}
        </p>
      </div>
      <form class="filters" role="search" aria-label="Filter messages" onSubmit={(event) => event.preventDefault()}>
        <label>
          State
          <select value={typed.state ?? ""} onChange={set("state")}>
            <option value="">Any</option>
            {STATES.map((state) => (
              <option value={state} key={state}>
                {state === "PENDING" ? "Pending (not finished)" : state}
              </option>
            ))}
          </select>
        </label>
        <label>
          Destination
          <input type="search" value={typed.destination ?? ""} onInput={set("destination")} placeholder="URL or URL group" />
        </label>
        <label>
          Label
          <input type="search" value={typed.label ?? ""} onInput={set("label")} />
        </label>
        <label>
          Message id
          <input type="search" value={typed.messageId ?? ""} onInput={set("messageId")} placeholder="msg_…" class="mono" />
        </label>
      </form>
      {rows.length === 0 ? (
        <p class="empty">
          {store.rows.length === 0
            ? "No messages yet. Publish one through the API or the Publish tab; it appears here at once."
            : "No message matches these filters."}
        </p>
      ) : (
        <WindowedTable
          label="Messages, newest first"
          rows={rows}
          columns={columns(now)}
          rowKey={(row) => row.id}
          rowHref={(row) => messageHref(row.id)}
        />
      )}
    </section>
  );
}
