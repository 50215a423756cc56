// Worker thread entry: parses imports off the server's event loop (see parse-in-worker.ts).
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { SourceFile } from './diagnostic.js';
import { PARSE_WORKER_LIMITS } from './limits.js';
import { parseBundle } from './parse.js';

// On Linux a nice value is per thread: a long import gives way to the thread that answers requests
// (a third of its share of a core), yet still progresses beside other busy processes (not 19,
// which any busy process starves). Where that is not allowed, it runs at normal priority.
try {
  setPriority(PARSE_WORKER_LIMITS.nice);
} catch {
  // not permitted here: parse at the process's priority
}

parentPort?.on('message', (files: SourceFile[]) => parentPort?.postMessage(parseBundle(files)));
