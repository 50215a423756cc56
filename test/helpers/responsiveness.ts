/** A request that must keep answering quickly: `/healthz`, or a status endpoint with its token. */
export interface Probe {
  url: string;
  headers?: Record<string, string>;
}

/**
 * Sends the probes over a real socket, one request at a time in turn, for as long as `hostile` is
 * in flight, and reports how long each answer took. "The server stays responsive" is then a fact
 * about those answers, not a wall-clock bound on the hostile request itself.
 */
export async function answersWhileInFlight<T>(probes: Probe[], hostile: Promise<T>): Promise<{ result: T; latencies: number[] }> {
  let settled = false;
  const done = hostile.finally(() => {
    settled = true;
  });
  const latencies: number[] = [];
  for (let i = 0; !settled; i++) {
    const probe = probes[i % probes.length] as Probe;
    const started = performance.now();
    const res = await fetch(probe.url, { headers: probe.headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${probe.url} answered ${res.status}`);
    // Each of these was asked while the hostile request was in flight: a stalled event loop
    // shows here, even when its answer comes after the hostile one.
    latencies.push(performance.now() - started);
  }
  return { result: await done, latencies };
}

/** answersWhileInFlight with `/healthz` alone. */
export function healthWhileInFlight<T>(baseUrl: string, hostile: Promise<T>): Promise<{ result: T; latencies: number[] }> {
  return answersWhileInFlight([{ url: `${baseUrl}/healthz` }], hostile);
}
