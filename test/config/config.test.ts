import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/config.js';

describe('resolveConfig', () => {
  it('keeps a spare browser context by default; BUGRUN_SPARE_CONTEXT turns it off or on', () => {
    expect(resolveConfig({}, {}).spareContext).toBe(true);
    for (const off of ['0', 'false', 'off', 'NO']) expect(resolveConfig({}, { BUGRUN_SPARE_CONTEXT: off }).spareContext).toBe(false);
    for (const on of ['1', 'true', 'On', 'yes', '']) expect(resolveConfig({}, { BUGRUN_SPARE_CONTEXT: on }).spareContext).toBe(true);
    expect(() => resolveConfig({}, { BUGRUN_SPARE_CONTEXT: 'sometimes' })).toThrow(new ConfigError('BUGRUN_SPARE_CONTEXT must be on or off (got "sometimes")'));
  });

  it("reads flags over the environment over defaults, and rejects bad numbers with the variable's name", () => {
    const env = { PORT: '9000', BUGRUN_CONCURRENCY: '3', BUGRUN_MAX_QUEUED: '50', BUGRUN_RETENTION: 'default=30,logs=never' };
    const config = resolveConfig({ port: 9100 }, env);
    expect(config).toMatchObject({ port: 9100, concurrency: 3, maxQueued: 50, retentionDays: { default: 30, logs: null } });
    expect(() => resolveConfig({}, { BUGRUN_MAX_QUEUED: '0' })).toThrow(/BUGRUN_MAX_QUEUED must be an integer >= 1/);
    expect(() => resolveConfig({}, { BUGRUN_RETENTION: 'screenshots=3' })).toThrow(/unknown artifact kind "screenshots"/);
  });
});
