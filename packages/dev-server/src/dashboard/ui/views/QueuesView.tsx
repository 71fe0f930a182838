import { api } from "../api.js";
import { PauseButton, ResourceView } from "../components/ResourceView.js";
import { useActions, useApiData } from "../useApiData.js";

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
  const { notice, run } = useActions(reload);
  const queues = data ?? [];
  const toggle = (queue: Queue) =>
    run(
      () => api("POST", `/v2/queues/${encodeURIComponent(queue.name)}/${queue.paused ? "resume" : "pause"}`),
      `${queue.paused ? "Resumed" : "Paused"} ${queue.name}.`,
    );
  return (
    <ResourceView
      id="queues-title"
      title="Queues"
      summary={data === undefined ? "Loading…" : `${queues.length} queues`}
      error={error === undefined ? undefined : `Could not load queues: ${error}`}
      notice={notice}
      empty={queues.length === 0 ? "No queues. Enqueue with POST /v2/enqueue/<queue>/<destination> to create one." : undefined}
    >
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
                <PauseButton paused={queue.paused} describedBy={`queue-${queue.name}`} onClick={() => toggle(queue)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ResourceView>
  );
}
