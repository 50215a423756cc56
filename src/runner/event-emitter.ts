import type { ConsoleEntry, NetworkEntry, RunEvent, RunSink, StepRunRecord } from '../domain/index.js';
import type { SecretSet } from './secrets.js';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The runner's only way out to the sink. Masks secrets in every text field, copies records so the
 * sink never sees later mutations, swallows sink errors (a broken recorder must not end a run) and
 * drops events that arrive after the run settled (late console messages of a closing page).
 */
export class RunEventEmitter {
  private closed = false;

  constructor(
    private readonly sink: RunSink,
    private readonly secrets: SecretSet,
  ) {}

  close(): void {
    this.closed = true;
  }

  emit(event: RunEvent): void {
    if (this.closed) return;
    try {
      this.sink.emit(this.masked(event));
    } catch {
      // The sink contract says emit must not throw; if it does, the run still goes on.
    }
  }

  log(level: LogLevel, message: string): void {
    this.emit({ type: 'log', at: new Date().toISOString(), level, message });
  }

  console(entry: ConsoleEntry): void {
    this.emit({ type: 'console', entry });
  }

  private masked(event: RunEvent): RunEvent {
    const s = this.secrets;
    switch (event.type) {
      case 'run-started':
        return { ...event };
      case 'step-started':
        return { type: 'step-started', step: maskRecord(event.step, s) };
      case 'step-ended':
        return { type: 'step-ended', step: maskRecord(event.step, s), screenshot: event.screenshot };
      case 'console':
        return { type: 'console', entry: { ...event.entry, text: s.mask(event.entry.text), url: s.mask(event.entry.url) } };
      case 'log':
        return { ...event, message: s.mask(event.message) };
      case 'dom-snapshot':
        return { ...event, html: s.mask(event.html) };
      case 'network':
        return { type: 'network', entry: maskNetworkEntry(event.entry, s) };
      case 'artifact':
        // Binary files (images, uploads) cannot be masked; their names can.
        return { ...event, name: s.mask(event.name), data: typeof event.data === 'string' ? s.mask(event.data) : event.data };
    }
  }
}

/**
 * Every text of a request: its URL and failure, the status text, and header names and values
 * (Authorization, Cookie, Set-Cookie, Location, tokens sent as custom headers). Masked here, at
 * the moment of emitting, so a secret registered after the request started is hidden too.
 */
function maskNetworkEntry(e: NetworkEntry, s: SecretSet): NetworkEntry {
  return {
    ...e,
    url: s.mask(e.url),
    statusText: s.mask(e.statusText),
    mimeType: s.mask(e.mimeType),
    failure: s.mask(e.failure),
    requestHeaders: maskHeaders(e.requestHeaders, s),
    responseHeaders: maskHeaders(e.responseHeaders, s),
  };
}

function maskHeaders(headers: Record<string, string>, s: SecretSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[s.mask(k)] = s.mask(v);
  return out;
}

function maskRecord(r: StepRunRecord, s: SecretSet): StepRunRecord {
  return {
    ...r,
    name: s.mask(r.name),
    error: s.mask(r.error),
    executionUrl: s.mask(r.executionUrl),
    assertionExpectedValue: s.mask(r.assertionExpectedValue),
    assertionCurrentValue: s.mask(r.assertionCurrentValue),
    computedValue: s.mask(r.computedValue),
    computedUrl: s.mask(r.computedUrl),
    waitingConditions: r.waitingConditions.map((w) => ({ ...w, expected: s.mask(w.expected), current: s.mask(w.current) })),
  };
}
