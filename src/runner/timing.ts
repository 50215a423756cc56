import { RunAbortedError } from './errors.js';

/** A delay that ends early (rejecting) when the run is aborted, so a stop never waits it out. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new RunAbortedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RunAbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `work`, or rejects when the signal aborts or the deadline (epoch ms) passes,
 * whichever comes first. The work itself is not cancelled: closing the browser context is what
 * makes pending Playwright calls reject, and that is the caller's job.
 */
export function race<T>(work: Promise<T>, signal: AbortSignal, deadline?: { at: number; error: () => Error }): Promise<T> {
  // The losing promise may reject later; it must not become an unhandled rejection.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new RunAbortedError());
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      reject(new RunAbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (deadline) {
      timer = setTimeout(
        () => {
          cleanup();
          reject(deadline.error());
        },
        Math.max(0, deadline.at - Date.now()),
      );
    }
    work.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e: unknown) => {
        cleanup();
        reject(e);
      },
    );
  });
}

/** Like `race` with a relative limit; resolves to `fallback` instead of failing on timeout. */
export async function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
