import type { Browser } from 'playwright-core';
import type { BenchService } from './bench-service.js';
import type { BenchOptions } from './options.js';
import type { BenchStep } from './reference-test.js';
import type { Row } from './rows.js';

/** The main in-process service every single-service figure shares, with the bench tests imported. */
export interface MainService {
  bench: BenchService;
  /** Test id of the reference test (options.steps steps). */
  referenceId: string;
  /** Test id of a 2-step test (goto + assert) for the queue probe. */
  probeId: string;
  /** The service's browser process (launched when the main service starts), for memory figures. */
  browserPid: number | null;
  /** process.memoryUsage() once the service listened and its browser was up, before any run. */
  memoryAtStart: NodeJS.MemoryUsage;
}

/** What each figure gets from the harness. */
export interface FigureContext {
  readonly options: BenchOptions;
  readonly siteUrl: string;
  readonly steps: readonly BenchStep[];
  /** A temp dir removed when the bench ends; figures create their own data dirs below it. */
  readonly tempRoot: string;
  log(line: string): void;
  /** Prints a summary row as soon as it is known and keeps it for the report. */
  emit(row: Row): void;
  /** Records a run of the service that did not pass (reported; the figure goes on without it). */
  runFailed(description: string): void;
  /** The shared service (concurrency = max of the figures' needs), started on first use. */
  main(): Promise<MainService>;
  /** A browser launched like the service's, for the raw script; started on first use. */
  rawBrowser(): Promise<Browser>;
  /** The raw browser's process, once rawBrowser() has launched it. */
  rawBrowserPid(): number | null;
}
