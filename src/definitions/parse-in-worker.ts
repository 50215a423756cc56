import { Worker } from 'node:worker_threads';
import type { ImportBundle } from './bundle-types.js';
import type { Diagnostic, SourceFile } from './diagnostic.js';
import { PARSE_WORKER_LIMITS } from './limits.js';
import type { parseBundle } from './parse.js';

type Parsed = ReturnType<typeof parseBundle>;

/** Threads parsing at once; more imports wait, so a burst of them cannot take every core and gigabytes. */
const MAX_WORKERS = 2;
const idle: Worker[] = [];
const waiting: (() => void)[] = [];
let busy = 0;

function startWorker(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: PARSE_WORKER_LIMITS.maxHeapMb } };
  const here = import.meta.url;
  let worker: Worker;
  if (!here.endsWith('.ts')) worker = new Worker(new URL('./parse-worker.js', here), options);
  else {
    // Run from the TypeScript sources (the tests): tsx compiles the worker's modules.
    const entry = new URL('./parse-worker.ts', here).href;
    worker = new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`, {
      ...options,
      eval: true,
    });
  }
  return worker;
}

function failed(files: SourceFile[], message: string): Parsed {
  const diagnostic: Diagnostic = { file: files[0]?.path ?? '', line: 1, column: 1, message, severity: 'error' };
  const bundle: ImportBundle = { project: null, components: [], profiles: [], tests: [], suites: [] };
  return { bundle, diagnostics: [diagnostic] };
}

/** One import on one worker; a worker that timed out, ran out of memory or died is not reused. */
function parseOn(worker: Worker, files: SourceFile[]): Promise<{ result: Parsed; reusable: boolean }> {
  return new Promise((resolve) => {
    const settle = (result: Parsed, reusable: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      // An idle parser never keeps the process alive.
      if (reusable) worker.unref();
      else void worker.terminate();
      resolve({ result, reusable });
    };
    const onMessage = (result: Parsed) => settle(result, true);
    const onError = (err: Error & { code?: string }) => {
      const reason = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it needs more than ${PARSE_WORKER_LIMITS.maxHeapMb} MB of memory (the limit)` : err.message;
      settle(failed(files, `the import could not be parsed: ${reason}`), false);
    };
    const onExit = (code: number) => settle(failed(files, `the import could not be parsed (its parser exited with code ${code})`), false);
    const timer = setTimeout(() => {
      settle(failed(files, `the import took longer than ${PARSE_WORKER_LIMITS.timeoutMs / 1000} s to parse (the limit)`), false);
    }, PARSE_WORKER_LIMITS.timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.ref();
    worker.postMessage(files);
  });
}

/**
 * parseBundle in a worker thread: a large or hostile bundle costs that thread's time and memory,
 * never the event loop that answers every other request. Bounded in time and heap.
 */
export async function parseBundleInWorker(files: SourceFile[]): Promise<Parsed> {
  if (busy < MAX_WORKERS) busy += 1;
  else await new Promise<void>((resume) => waiting.push(resume));
  try {
    const worker = idle.pop() ?? startWorker();
    const { result, reusable } = await parseOn(worker, files);
    if (reusable) idle.push(worker);
    return result;
  } finally {
    // The slot passes straight to the next waiting import, if any.
    const next = waiting.shift();
    if (next) next();
    else busy -= 1;
  }
}
