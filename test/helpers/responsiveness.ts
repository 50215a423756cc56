/**
 * Polls `GET /healthz` over a real socket for as long as `hostile` is in flight, one request at a
 * time, and reports how long each answer took. "The server stays responsive" is then a fact about
 * those answers, not a wall-clock bound on the hostile request itself.
 */
export async function healthWhileInFlight<T>(baseUrl: string, hostile: Promise<T>): Promise<{ result: T; latencies: number[] }> {
  let settled = false;
  const done = hostile.finally(() => {
    settled = true;
  });
  const latencies: number[] = [];
  while (!settled) {
    const started = performance.now();
    const res = await fetch(`${baseUrl}/healthz`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    // Each of these was asked while the hostile request was in flight: a stalled event loop
    // shows here, even when its answer comes after the hostile one.
    latencies.push(performance.now() - started);
  }
  return { result: await done, latencies };
}
