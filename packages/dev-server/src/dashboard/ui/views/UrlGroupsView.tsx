import { ResourceView } from "../components/ResourceView.js";
import { useApiData } from "../useApiData.js";

/** A URL group as `GET /v2/topics` lists it. */
interface UrlGroup {
  name: string;
  endpoints: { name?: string; url: string }[];
}

const NEVER = (): boolean => false;

/** URL groups and their endpoints. */
export function UrlGroupsView() {
  const { data, error, reload } = useApiData<UrlGroup[]>("/v2/topics", NEVER);
  const groups = data ?? [];
  return (
    <ResourceView
      id="groups-title"
      title="URL groups"
      summary={
        <button type="button" onClick={reload}>
          Refresh
        </button>
      }
      error={error === undefined ? undefined : `Could not load URL groups: ${error}`}
      empty={groups.length === 0 ? "No URL groups. Add endpoints with POST /v2/topics/<name>/endpoints." : undefined}
    >
        {groups.map((group) => (
          <table class="grid" key={group.name} aria-label={`Endpoints of ${group.name}`}>
            <caption class="mono">{group.name}</caption>
            <thead>
              <tr>
                <th scope="col">Endpoint name</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {group.endpoints.map((endpoint) => (
                <tr key={endpoint.url}>
                  <td>{endpoint.name ?? <span class="muted">—</span>}</td>
                  <td class="wrap">{endpoint.url}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </ResourceView>
  );
}
