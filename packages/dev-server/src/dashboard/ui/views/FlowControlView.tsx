import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Notice } from "../components/parts.js";
import { runAction, useApiData } from "../useApiData.js";

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
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const keys = data ?? [];
  const toggle = (key: FlowKey) => {
    const action = key.isPaused ? "resume" : "pause";
    const name = key.flowControlKey;
    void runAction(() => api("POST", `/v2/flowControl/${encodeURIComponent(name)}/${action}`), `${key.isPaused ? "Resumed" : "Paused"} ${name}.`, reload).then(setNotice);
  };
  return (
    <section aria-labelledby="flow-title">
      <div class="view-head">
        <h2 id="flow-title">Flow control</h2>
        <p class="muted">{data === undefined ? "Loading…" : `${keys.length} keys`}</p>
      </div>
      {error !== undefined && <Notice tone="error" text={`Could not load flow-control keys: ${error}`} />}
      <Notice text={notice} />
      {keys.length === 0 ? (
        <p class="empty">No flow-control keys. Publish with Upstash-Flow-Control-Key to create one.</p>
      ) : (
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
                  <button type="button" aria-describedby={`flow-${key.flowControlKey}`} onClick={() => toggle(key)}>
                    {key.isPaused ? "Resume" : "Pause"}
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
