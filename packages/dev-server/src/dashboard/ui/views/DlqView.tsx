import { useCallback, useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api.js";
import { StatusText } from "../components/parts.js";
import { ResourceView, RowButton } from "../components/ResourceView.js";
import { clockTime, count } from "../format.js";
import { useRefreshOn } from "../messageStore.js";
import { messageHref } from "../route.js";

/** A DLQ entry as `GET /v2/dlq` lists it (the fields shown). */
interface DlqEntry {
  dlqId: string;
  messageId: string;
  url: string;
  createdAt: number;
  responseStatus?: number;
  responseBody?: string;
  responseBodyBase64?: string;
  error?: string;
}

/** Entries loaded at most (the API pages by 100). */
const MAX_ENTRIES = 2000;

async function loadAll(): Promise<DlqEntry[]> {
  const entries: DlqEntry[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const page = await api<{ messages: DlqEntry[]; cursor?: string }>("GET", `/v2/dlq${query}`);
    entries.push(...page.messages);
    cursor = page.cursor;
  } while (cursor !== undefined && entries.length < MAX_ENTRIES);
  return entries;
}

function preview(entry: DlqEntry): string {
  const text = entry.responseBody ?? (entry.responseBodyBase64 === undefined ? "" : `base64 ${entry.responseBodyBase64}`);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The dead-letter queue: retry or delete entries, one by one or selected. */
export function DlqView() {
  const [entries, setEntries] = useState<DlqEntry[] | undefined>(undefined);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const load = useCallback(() => {
    loadAll().then(
      (value) => {
        setEntries(value);
        setError(undefined);
        setSelected((previous) => new Set([...previous].filter((id) => value.some((entry) => entry.dlqId === id))));
      },
      (reason: unknown) => setError(errorText(reason)),
    );
  }, []);
  useEffect(load, [load]);
  useRefreshOn((change) => change.state === "FAILED", load, 500);

  const act = async (action: "retry" | "delete", ids: string[]) => {
    if (ids.length === 0) return;
    try {
      const query = ids.map((id) => `dlqIds=${encodeURIComponent(id)}`).join("&");
      if (action === "retry") {
        const answer =
          ids.length === 1
            ? [await api<{ messageId: string }>("POST", `/v2/dlq/retry/${encodeURIComponent(ids[0]!)}`)]
            : (await api<{ responses: { messageId: string }[] }>("POST", `/v2/dlq/retry?${query}`)).responses;
        setNotice(`Retried ${count(answer.length)}: new message ${answer.map((a) => a.messageId).join(", ")}.`);
      } else {
        if (ids.length === 1) await api("DELETE", `/v2/dlq/${encodeURIComponent(ids[0]!)}`);
        else await api("DELETE", `/v2/dlq?${query}`);
        setNotice(`Deleted ${count(ids.length)}.`);
      }
    } catch (reason) {
      setNotice(`${action === "retry" ? "Retry" : "Delete"} failed: ${errorText(reason)}`);
    }
    load();
  };

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const all = entries ?? [];
  const allSelected = all.length > 0 && all.every((entry) => selected.has(entry.dlqId));
  return (
    <ResourceView
      id="dlq-title"
      title="Dead-letter queue"
      summary={entries === undefined ? "Loading…" : `${count(all.length)} entries`}
      error={error === undefined ? undefined : `Could not load the DLQ: ${error}`}
      notice={notice}
      empty={all.length === 0 ? "The DLQ is empty: messages land here once they have used all their retries." : undefined}
    >
      <div class="toolbar">
        <button type="button" disabled={selected.size === 0} onClick={() => void act("retry", [...selected])}>
          Retry selected ({selected.size})
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => void act("delete", [...selected])}>
          Delete selected ({selected.size})
        </button>
      </div>
        <table class="grid" aria-label="Dead-letter queue entries">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all entries"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(all.map((entry) => entry.dlqId)))}
                />
              </th>
              <th scope="col">Message</th>
              <th scope="col">Destination</th>
              <th scope="col">Last response</th>
              <th scope="col">Body</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {all.map((entry) => {
              const labelId = `dlq-${entry.dlqId}`;
              return (
                <tr key={entry.dlqId}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${entry.messageId}`}
                      checked={selected.has(entry.dlqId)}
                      onChange={() => toggle(entry.dlqId)}
                    />
                  </td>
                  <td id={labelId}>
                    <a href={messageHref(entry.messageId)} class="mono">
                      {entry.messageId}
                    </a>
                    <div class="muted">
                      DLQ id <span class="mono">{entry.dlqId}</span>, created {clockTime(entry.createdAt)}
                    </div>
                  </td>
                  <td class="wrap">{entry.url}</td>
                  <td>
                    <StatusText status={entry.responseStatus} error={entry.error} />
                  </td>
                  <td class="wrap mono">{preview(entry)}</td>
                  <td class="row-actions">
                    <RowButton label="Retry" describedBy={labelId} onClick={() => void act("retry", [entry.dlqId])} />
                    <RowButton label="Delete" describedBy={labelId} onClick={() => void act("delete", [entry.dlqId])} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
    </ResourceView>
  );
}
