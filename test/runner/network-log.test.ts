import { describe, expect, it } from 'vitest';
import { SECRET_MASK, type NetworkEntry } from '../../src/domain/index.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { assertStep, goto, plan, variable } from './plan-builder.js';
import { useRunnerFixture } from './runner-fixture.js';

const { url, run } = useRunnerFixture();

describe('network log', { timeout: 30_000 }, () => {
  it('reports every request of the run: status, type, timing, failures, pending ones, headers with secrets masked', async () => {
    const closed = await startFixtureServer();
    await closed.close();
    const { outcome, sink } = await run(
      plan(
        [
          goto(url(`/wc-subresources.html?refuse=${encodeURIComponent(closed.url)}`)),
          assertStep({ selector: '#state', assertion_property: 'textContent', assertion_type: 'equal', assertion_expected_value: 'refused' }),
        ],
        {
          variables: [variable('apiToken', 'tok-secret-123', 'profile', true)],
          settings: { customHeaders: [{ name: 'X-Api-Token', value: 'tok-secret-123' }] },
        },
      ),
    );
    expect(outcome.status).toBe('passed');
    const entries = sink.ofType('network').map((e) => e.entry);
    const find = (path: string): NetworkEntry | undefined => entries.find((e) => e.url.includes(path));

    const page = find('/wc-subresources.html');
    expect(page).toMatchObject({ method: 'GET', resourceType: 'document', status: 200, statusText: 'OK', failure: null });
    expect(page?.mimeType).toContain('text/html');
    expect(page?.durationMs).toEqual(expect.any(Number));
    expect(Date.parse(page?.startedAt ?? '')).not.toBeNaN();
    expect(page?.responseHeaders['content-type']).toContain('text/html');
    // Full request headers, with the secret header value masked and nothing else hidden.
    expect(page?.requestHeaders['x-api-token']).toBe(SECRET_MASK);
    expect(page?.requestHeaders['user-agent']).toMatch(/Chrome/);

    // Chromium drops a stylesheet served as text/html (ERR_ABORTED) after its 404 response arrived:
    // both are kept.
    expect(find('/wc-missing.css')).toMatchObject({ resourceType: 'stylesheet', status: 404, statusText: 'Not Found' });
    expect(find('/title.html')).toMatchObject({ resourceType: 'document', status: 200 });
    const refused = find(`${closed.url}/refused`);
    expect(refused).toMatchObject({ resourceType: 'fetch', status: null, failure: 'net::ERR_CONNECTION_REFUSED' });
    // Still pending when the run ended: reported once, without a status.
    expect(entries.filter((e) => e.url.includes('/hang?network-log'))).toEqual([
      expect.objectContaining({ resourceType: 'fetch', status: null, durationMs: null, failure: null }),
    ]);
    // One entry per request.
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    expect(JSON.stringify(entries)).not.toContain('tok-secret-123');
  });
});
