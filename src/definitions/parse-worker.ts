// Worker thread entry: parses imports off the server's event loop (see parse-in-worker.ts).
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { SourceFile } from './diagnostic.js';
import { parseBundle } from './parse.js';

// On Linux a nice value is per thread: a long import yields the cores to the thread that answers
// requests and to the browsers running tests. Where that is not allowed, it runs at normal priority.
try {
  setPriority(19);
} catch {
  // not permitted here: parse at the process's priority
}

parentPort?.on('message', (files: SourceFile[]) => parentPort?.postMessage(parseBundle(files)));
