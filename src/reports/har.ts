import type { NetworkEntry } from '../domain/index.js';

const headerList = (h: Record<string, string>) => Object.entries(h).map(([name, value]) => ({ name, value }));

/** The run's requests as a HAR 1.2 document (what `extension_network_logs` holds). */
export function toHar(entries: readonly NetworkEntry[]): string {
  return JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: 'Bugrun', version: '1' },
        entries: entries.map((e) => ({
          startedDateTime: e.startedAt,
          time: e.durationMs ?? -1,
          request: {
            method: e.method,
            url: e.url,
            httpVersion: '',
            headers: headerList(e.requestHeaders),
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: -1,
          },
          response: {
            status: e.status ?? 0,
            statusText: e.statusText ?? '',
            httpVersion: '',
            headers: headerList(e.responseHeaders),
            cookies: [],
            content: { size: -1, mimeType: e.mimeType ?? '' },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
          },
          cache: {},
          timings: { send: 0, wait: e.durationMs ?? -1, receive: 0 },
          _resourceType: e.resourceType,
          _failure: e.failure,
        })),
      },
    },
    null,
    1,
  );
}
