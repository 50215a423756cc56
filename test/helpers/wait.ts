/**
 * Polls `read` until `done` holds for its value, and returns that value. It gives up loudly, with
 * the last value seen, only after `timeoutMs`: a bound for "it never got there", set far beyond
 * how long the state takes on a busy machine, never a measure of speed.
 */
export async function waitUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
