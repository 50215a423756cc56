import { describe, expect, it } from 'vitest';
import { alertMatches } from '../../src/alerts/index.js';
import type { AlertRow } from '../../src/store/index.js';
import { testPayload } from './payload.js';

/** Which run events an alert is told about: its event, target and each filter on its own. */
function alert(overrides: Partial<AlertRow> = {}): AlertRow {
  return {
    id: 'a',
    projectId: 'p',
    name: 'Alert',
    event: 'finished',
    target: 'any',
    enabled: true,
    filters: {},
    action: { type: 'webhook', url: 'https://example.com/hook' },
    secret: null,
    created: '2026-12-06T00:00:00.000Z',
    modified: '2026-12-06T00:00:00.000Z',
    ...overrides,
  };
}

describe('alertMatches', () => {
  const failed = testPayload({ status: 'failed', previousStatus: 'passed', triggeredBy: 'scheduler', profileId: 'staging' });

  it('matches its event and target only, and never when disabled', () => {
    expect(alertMatches(alert(), failed)).toBe(true);
    expect(alertMatches(alert({ event: 'started' }), failed)).toBe(false);
    expect(alertMatches(alert({ target: 'test' }), failed)).toBe(true);
    expect(alertMatches(alert({ target: 'suite' }), failed)).toBe(false);
    expect(alertMatches(alert({ enabled: false }), failed)).toBe(false);
  });

  it('filters finished runs by status, trigger and profile', () => {
    expect(alertMatches(alert({ filters: { statuses: ['failed', 'error'] } }), failed)).toBe(true);
    expect(alertMatches(alert({ filters: { statuses: ['passed'] } }), failed)).toBe(false);
    expect(alertMatches(alert({ filters: { triggeredBy: ['scheduler'] } }), failed)).toBe(true);
    expect(alertMatches(alert({ filters: { triggeredBy: ['api', 'cli'] } }), failed)).toBe(false);
    expect(alertMatches(alert({ filters: { profileId: 'staging' } }), failed)).toBe(true);
    expect(alertMatches(alert({ filters: { profileId: 'production' } }), failed)).toBe(false);
    // Empty lists filter nothing.
    expect(alertMatches(alert({ filters: { statuses: [], triggeredBy: [] } }), failed)).toBe(true);
  });

  it('tells a change of result only when asked to: the first run counts as one', () => {
    const onChange = alert({ filters: { onlyOnChange: true } });
    expect(alertMatches(onChange, failed)).toBe(true);
    expect(alertMatches(onChange, { ...failed, previousStatus: 'failed' })).toBe(false);
    expect(alertMatches(onChange, { ...failed, previousStatus: null })).toBe(true);
  });

  it('applies status and change filters to finished runs only: a run that starts has no outcome yet', () => {
    const started = testPayload({ event: 'started', status: 'running', previousStatus: null, profileId: 'staging' });
    expect(alertMatches(alert({ event: 'started', filters: { statuses: ['failed'], onlyOnChange: true } }), started)).toBe(true);
    expect(alertMatches(alert({ event: 'started', filters: { profileId: 'production' } }), started)).toBe(false);
  });
});
