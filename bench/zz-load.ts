import autocannon from "autocannon";
const BODY = JSON.stringify({ to: "ada@example.com", subject: "Welcome", tags: ["a", "b"], priority: 3 });
const r = await autocannon({ url: "http://127.0.0.1:3999/hook", method: "POST", duration: 6, connections: 16, body: BODY, headers: { "content-type": "application/json" } });
console.log(r.requests.average, r.non2xx, r.latency.average);
