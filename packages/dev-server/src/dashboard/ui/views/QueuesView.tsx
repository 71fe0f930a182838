import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Notice } from "../components/parts.js";
import { runAction, useApiData } from "../useApiData.js";

/** A queue as `GET /v2/queues` lists it. */
interface Queue {
  name: string;
  parallelism: number;
  lag: number;
  paused: boolean;
}

/** Queues: parallelism, lag, pause and resume. */
export function QueuesView() {
  const { data, error, reload } = useApiData<Queue[]>("/v2/queues");
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const queues = data ?? [];
  const toggle = (queue: Queue) => {
    const action = queue.paused ? "resume" : "pause";
    void runAction(() => api("POST", `/v2/queues/${encodeURIComponent(queue.name)}/${action}`), `${queue.paused ? "Resumed" : "Paused"} ${queue.name}.`, reload).then(setNotice);
  };
  return (
    <section aria-labelledby="queues-title">
      <div class="view-head">
        <h2 id="queues-title">Queues</h2>
        <p class="muted">{data === undefined ? "Loading…" : `${queues.length} queues`}</p>
      </div>
      {error !== undefined && <Notice tone="error" text={`Could not load queues: ${error}`} />}
      <Notice text={notice} />
      {queues.length === 0 ? (
        <p class="empty">No queues. Enqueue with POST /v2/enqueue/&lt;queue&gt;/&lt;destination&gt; to create one.</p>
      ) : (
        <table class="grid" aria-label="Queues">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Parallelism</th>
              <th scope="col">Lag (waiting + active)</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <tr key={queue.name}>
                <td id={`queue-${queue.name}`} class="mono">
                  {queue.name}
                </td>
                <td class="num">{queue.parallelism}</td>
                <td class="num">{queue.lag}</td>
                <td>{queue.paused ? <span class="badge">paused</span> : "running"}</td>
                <td class="row-actions">
                  <button type="button" aria-describedby={`queue-${queue.name}`} onClick={() => toggle(queue)}>
                    {queue.paused ? "Resume" : "Pause"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
