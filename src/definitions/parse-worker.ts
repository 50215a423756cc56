// Worker thread entry: parses imports off the server's event loop (see parse-in-worker.ts).
import { parentPort } from 'node:worker_threads';
import type { SourceFile } from './diagnostic.js';
import { parseBundle } from './parse.js';

parentPort?.on('message', (files: SourceFile[]) => parentPort?.postMessage(parseBundle(files)));
