import { monitorEventLoopDelay } from 'node:perf_hooks';

/** A request that must keep answering: `/healthz`, or a status endpoint with its token. */
export interface Probe {
  url: string;
  headers?: Record<string, string>;
}

export interface InFlight<T> {
  result: T;
  /** How long each probe asked while the hostile request was in flight took to answer, in ms. */
  latencies: number[];
  /**
   * The longest the event loop of this process (the server under test runs in it) was held up
   * while the hostile request was in flight, in ms: what a stall is. Unlike the latencies, it
   * hardly moves when other work keeps the machine's cores busy.
   */
  maxLoopDelayMs: number;
}

/**
 * Sends the probes over a real socket, one request at a time in turn, for as long as `hostile` is
 * in flight. "The server stays responsive" is then a fact about those answers and the event loop,
 * not a wall-clock bound on the hostile request itself.
 */
export async function answersWhileInFlight<T>(probes: Probe[], hostile: Promise<T>): Promise<InFlight<T>> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let settled = false;
  const done = hostile.finally(() => {
    settled = true;
    loop.disable();
  });
  const latencies: number[] = [];
  for (let i = 0; !settled; i++) {
    const probe = probes[i % probes.length];
    const started = performance.now();
    const res = await fetch(probe.url, { headers: probe.headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${probe.url} answered ${res.status}`);
    latencies.push(performance.now() - started);
  }
  const result = await done;
  return { result, latencies, maxLoopDelayMs: loop.max / 1e6 };
}

/** answersWhileInFlight with `/healthz` alone. */
export function healthWhileInFlight<T>(baseUrl: string, hostile: Promise<T>): Promise<InFlight<T>> {
  return answersWhileInFlight([{ url: `${baseUrl}/healthz` }], hostile);
}

export interface Comparison<H, O> {
  hostile: H;
  ordinary: O;
  /** How much longer the hostile request held the event loop than the ordinary one, in ms. */
  excessMs: number;
  /** Every attempt's two figures, for the failure message. */
  summary: string;
}

/**
 * Measures an ordinary request and then the hostile one, each while probes ask, and repeats the
 * pair (up to `attempts` times) until the hostile one held the event loop less than `marginMs`
 * longer; returns the pair with the least excess. On a busy machine one descheduled moment adds
 * hundreds of ms to either figure; a stall the code causes shows in every attempt.
 */
export async function compareWithOrdinary<H extends InFlight<unknown>, O extends InFlight<unknown>>(
  ordinary: () => Promise<O>,
  hostile: () => Promise<H>,
  { marginMs = 200, attempts = 3 } = {},
): Promise<Comparison<H, O>> {
  let best: Comparison<H, O> | null = null;
  const seen: string[] = [];
  for (let i = 0; i < attempts && (best === null || best.excessMs >= marginMs); i++) {
    const o = await ordinary();
    const h = await hostile();
    const excessMs = h.maxLoopDelayMs - o.maxLoopDelayMs;
    seen.push(
      `hostile ${Math.round(h.maxLoopDelayMs)} ms (slowest answer ${Math.round(Math.max(...h.latencies))} ms) vs ordinary ${Math.round(o.maxLoopDelayMs)} ms`,
    );
    if (best === null || excessMs < best.excessMs) best = { hostile: h, ordinary: o, excessMs, summary: '' };
  }
  return { ...(best as Comparison<H, O>), summary: seen.join('; ') };
}
