import { api } from "../api.js";
import { PauseButton, ResourceView } from "../components/ResourceView.js";
import { useActions, useApiData } from "../useApiData.js";

/** A key as `GET /v2/flowControl` lists it. */
interface FlowKey {
  flowControlKey: string;
  waitListSize: number;
  parallelismMax: number;
  parallelismCount: number;
  rateMax: number;
  rateCount: number;
  ratePeriod: number;
  isPaused: boolean;
}

/** Flow-control keys with their limits and usage. */
export function FlowControlView() {
  const { data, error, reload } = useApiData<FlowKey[]>("/v2/flowControl");
  const { notice, run } = useActions(reload);
  const keys = data ?? [];
  const toggle = ({ flowControlKey: name, isPaused }: FlowKey) =>
    run(
      () => api("POST", `/v2/flowControl/${encodeURIComponent(name)}/${isPaused ? "resume" : "pause"}`),
      `${isPaused ? "Resumed" : "Paused"} ${name}.`,
    );
  return (
    <ResourceView
      id="flow-title"
      title="Flow control"
      summary={data === undefined ? "Loading…" : `${keys.length} keys`}
      error={error === undefined ? undefined : `Could not load flow-control keys: ${error}`}
      notice={notice}
      empty={keys.length === 0 ? "No flow-control keys. Publish with Upstash-Flow-Control-Key to create one." : undefined}
    >
      <table class="grid" aria-label="Flow-control keys">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Waiting</th>
            <th scope="col">Parallelism (in flight / max)</th>
            <th scope="col">Rate (this period / max per period)</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.flowControlKey}>
              <td id={`flow-${key.flowControlKey}`} class="mono">
                {key.flowControlKey}
              </td>
              <td class="num">{key.waitListSize}</td>
              <td class="num">
                {key.parallelismCount} / {key.parallelismMax || "∞"}
              </td>
              <td class="num">
                {key.rateCount} / {key.rateMax ? `${key.rateMax} per ${key.ratePeriod} s` : "∞"}
              </td>
              <td>{key.isPaused ? <span class="badge">paused</span> : "running"}</td>
              <td class="row-actions">
                <PauseButton paused={key.isPaused} describedBy={`flow-${key.flowControlKey}`} onClick={() => toggle(key)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ResourceView>
  );
}
