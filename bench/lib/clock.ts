import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-ms resolution, comparable with the service's ISO timestamps. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function isoMs(iso: string | null | undefined): number {
  return iso ? Date.parse(iso) : Number.NaN;
}
