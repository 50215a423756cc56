import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/config.js';

describe('resolveConfig', () => {
  it('keeps a spare browser context by default; BUGRUN_SPARE_CONTEXT turns it off or on', () => {
    expect(resolveConfig({}, {}).spareContext).toBe(true);
    for (const off of ['0', 'false', 'off', 'NO']) expect(resolveConfig({}, { BUGRUN_SPARE_CONTEXT: off }).spareContext).toBe(false);
    for (const on of ['1', 'true', 'On', 'yes', '']) expect(resolveConfig({}, { BUGRUN_SPARE_CONTEXT: on }).spareContext).toBe(true);
    expect(() => resolveConfig({}, { BUGRUN_SPARE_CONTEXT: 'sometimes' })).toThrow(new ConfigError('BUGRUN_SPARE_CONTEXT must be on or off (got "sometimes")'));
  });

  it('takes small screenshots of passed steps unless BUGRUN_PASSED_SCREENSHOTS says full', () => {
    expect(resolveConfig({}, {}).passedScreenshots).toBe('small');
    expect(resolveConfig({}, { BUGRUN_PASSED_SCREENSHOTS: ' Full ' }).passedScreenshots).toBe('full');
    expect(resolveConfig({}, { BUGRUN_PASSED_SCREENSHOTS: 'small' }).passedScreenshots).toBe('small');
    expect(() => resolveConfig({}, { BUGRUN_PASSED_SCREENSHOTS: 'half' })).toThrow(
      new ConfigError('BUGRUN_PASSED_SCREENSHOTS must be one of small, full (got "half")'),
    );
  });

  it("reads flags over the environment over defaults, and rejects bad numbers with the variable's name", () => {
    const env = { PORT: '9000', BUGRUN_CONCURRENCY: '3', BUGRUN_MAX_QUEUED: '50', BUGRUN_RETENTION: 'default=30,logs=never' };
    const config = resolveConfig({ port: 9100 }, env);
    expect(config).toMatchObject({ port: 9100, concurrency: 3, maxQueued: 50, retentionDays: { default: 30, logs: null } });
    expect(() => resolveConfig({}, { BUGRUN_MAX_QUEUED: '0' })).toThrow(/BUGRUN_MAX_QUEUED must be an integer >= 1/);
    expect(() => resolveConfig({}, { BUGRUN_RETENTION: 'screenshots=3' })).toThrow(/unknown artifact kind "screenshots"/);
  });

  it('keeps artifacts in <data-dir>/artifacts unless BUGRUN_ARTIFACT_STORE names a directory or s3://bucket/prefix', () => {
    expect(resolveConfig({ dataDir: '/srv/bugrun' }, {}).artifactStore).toEqual({ kind: 'directory', path: '/srv/bugrun/artifacts' });
    expect(resolveConfig({}, { BUGRUN_ARTIFACT_STORE: '/mnt/shared/artifacts' }).artifactStore).toEqual({ kind: 'directory', path: '/mnt/shared/artifacts' });
    expect(resolveConfig({}, { BUGRUN_ARTIFACT_STORE: 's3://my-bucket/ci/bugrun/', AWS_REGION: 'eu-west-1' }).artifactStore).toEqual({
      kind: 's3',
      bucket: 'my-bucket',
      prefix: 'ci/bugrun',
      region: 'eu-west-1',
      endpoint: null,
    });
    // An S3-compatible server: the standard variable, the S3-specific one first.
    const env = { BUGRUN_ARTIFACT_STORE: 's3://bkt', AWS_ENDPOINT_URL: 'http://minio:9000', AWS_ENDPOINT_URL_S3: 'http://s3.local:9000' };
    expect(resolveConfig({}, env).artifactStore).toEqual({ kind: 's3', bucket: 'bkt', prefix: '', region: 'us-east-1', endpoint: 'http://s3.local:9000' });
    for (const bad of ['s3://', 's3://B/x', 's3://ok-bucket/a/../b', 's3://ok-bucket/a//b']) {
      expect(() => resolveConfig({}, { BUGRUN_ARTIFACT_STORE: bad }), bad).toThrow(
        new ConfigError(`BUGRUN_ARTIFACT_STORE: "${bad}" is not s3://bucket/prefix (a bucket is 3 to 63 lower-case letters, digits, dots and hyphens)`),
      );
    }
  });
});
