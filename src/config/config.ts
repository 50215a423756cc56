import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ARTIFACT_KINDS,
  DEFAULT_PASSED_SCREENSHOTS,
  DEFAULT_TRACE_POLICY,
  SCREENSHOT_SIZES,
  TRACE_POLICIES,
  type ArtifactKind,
  type ScreenshotSize,
  type TracePolicy,
} from '../domain/index.js';

/** Everything Bugrun is configured by, resolved once: CLI flags > environment > defaults. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Base URL used in links we hand out (webappUrl, file URLs). */
  readonly publicUrl: string;
  /** An API token of the default project, created if missing. */
  readonly token: string | null;
  /** Runs executing at once in this process. */
  readonly concurrency: number;
  readonly chromiumPath: string | null;
  readonly browserWs: string | null;
  /** `postgres://...` switches storage to PostgreSQL. */
  readonly databaseUrl: string | null;
  /** Import the bundled demo project and serve its site. */
  readonly demo: boolean;
  readonly logLevel: string;
  /** Runs allowed to wait; more answer 429 with Retry-After. */
  readonly maxQueued: number;
  /** Keep a fresh browser context ready for the next run (one idle blank page, ~130 MiB). */
  readonly spareContext: boolean;
  /** Days each artifact kind is kept (`default` for the rest); null = forever. */
  readonly retentionDays: Readonly<Partial<Record<ArtifactKind | 'default', number | null>>>;
  /** How long a file link we hand out works, in seconds. */
  readonly fileLinkTtlSeconds: number;
  /** A request whose headers and body have not all arrived by then is answered 408, in ms. */
  readonly requestTimeoutMs: number;
  /** The addresses Bugrun's browsers connect from, for `GET /config/ips/` (allowlists). */
  readonly egressIps: readonly string[];
  /** Signs file links; null: one generated and kept in the database, shared by its processes. */
  readonly secret: string | null;
  /** How often a worker proves it is alive, in ms. */
  readonly heartbeatMs: number;
  /** A worker silent this long is dead: any process ends its runs as `error`, in ms. */
  readonly workerDeadAfterMs: number;
  /** Where artifacts live (`BUGRUN_ARTIFACT_STORE`). */
  readonly artifactStore: ArtifactStoreConfig;
  /** `smtp://user:pass@host:port` (or `smtps://`) for email alerts; null: email alerts fail saying so. */
  readonly smtpUrl: string | null;
  /** The sender of email alerts. */
  readonly smtpFrom: string;
  /** An alert delivery that failed is tried again after this, then after twice as long each time, in ms. */
  readonly alertRetryBaseMs: number;
  /** When this process's worker records a Playwright trace of a run (`BUGRUN_TRACE`); a run's `"trace": true` wins. */
  readonly trace: TracePolicy;
  /** The size of a cleanly passed step's screenshot (`BUGRUN_PASSED_SCREENSHOTS`); failed steps' are full size. */
  readonly passedScreenshots: ScreenshotSize;
}

/** A directory (default `<dataDir>/artifacts`; a shared volume for several processes) or S3-compatible storage. */
export type ArtifactStoreConfig =
  | { readonly kind: 'directory'; readonly path: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string; readonly region: string; readonly endpoint: string | null };

export interface ConfigFlags {
  port?: number | string;
  host?: string;
  dataDir?: string;
  publicUrl?: string;
  token?: string;
  concurrency?: number | string;
  demo?: boolean;
}

export class ConfigError extends Error {}

function integer(name: string, raw: number | string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer >= ${min} (got "${raw}")`);
  return n;
}

function flag(name: string, raw: string | undefined, fallback: boolean): boolean {
  const v = raw?.trim().toLowerCase();
  if (v === undefined || v === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be on or off (got "${raw}")`);
}

function text(raw: string | undefined): string | null {
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

/**
 * `BUGRUN_RETENTION`: `kind=days` pairs, e.g. `default=30,logs=90,container_stats=7`; `never` or an
 * empty value keeps forever.
 */
function retention(raw: string | undefined): Config['retentionDays'] {
  const out: Partial<Record<ArtifactKind | 'default', number | null>> = {};
  for (const pair of (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, days] = pair.split('=').map((x) => x.trim());
    if (!kind || (kind !== 'default' && !ARTIFACT_KINDS.includes(kind as ArtifactKind))) {
      throw new ConfigError(`BUGRUN_RETENTION: unknown artifact kind "${kind}" (kinds: default, ${ARTIFACT_KINDS.join(', ')})`);
    }
    const n = days === 'never' || days === '' || days === undefined ? null : Number(days);
    if (n !== null && !(n >= 0)) throw new ConfigError(`BUGRUN_RETENTION: "${pair}" needs a number of days or "never"`);
    out[kind as ArtifactKind | 'default'] = n;
  }
  return Object.freeze(out);
}

/**
 * `BUGRUN_ARTIFACT_STORE`: `s3://bucket/prefix` (region and endpoint from the standard `AWS_*`
 * variables), or a directory.
 */
function artifactStore(raw: string | undefined, dataDir: string, env: NodeJS.ProcessEnv): ArtifactStoreConfig {
  const value = text(raw);
  if (value === null) return { kind: 'directory', path: join(dataDir, 'artifacts') };
  if (!/^s3:\/\//i.test(value)) return { kind: 'directory', path: resolve(value) };
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  const prefix = (m?.[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (!m || (prefix !== '' && prefix.split('/').some((p) => p === '' || p === '.' || p === '..'))) {
    throw new ConfigError(`BUGRUN_ARTIFACT_STORE: "${value}" is not s3://bucket/prefix (a bucket is 3 to 63 lower-case letters, digits, dots and hyphens)`);
  }
  return {
    kind: 's3',
    bucket: m[1],
    prefix,
    region: text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    endpoint: text(env.AWS_ENDPOINT_URL_S3) ?? text(env.AWS_ENDPOINT_URL),
  };
}

/** `BUGRUN_SMTP_URL`: an smtp:// or smtps:// URL (its credentials stay in it). */
function smtpUrl(raw: string | undefined): string | null {
  const value = text(raw);
  if (value === null) return null;
  if (!/^smtps?:\/\/[^/]/i.test(value)) throw new ConfigError('BUGRUN_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://...');
  return value;
}

/** `BUGRUN_TRACE`: one of the trace policies (domain/test-plan.ts says why the default is what it is). */
function tracePolicy(raw: string | undefined): TracePolicy {
  const value = text(raw)?.toLowerCase();
  if (value === undefined) return DEFAULT_TRACE_POLICY;
  if (!TRACE_POLICIES.includes(value as TracePolicy)) throw new ConfigError(`BUGRUN_TRACE must be one of ${TRACE_POLICIES.join(', ')} (got "${raw}")`);
  return value as TracePolicy;
}

/** `BUGRUN_PASSED_SCREENSHOTS`: `small` or `full`. */
function screenshotSize(raw: string | undefined): ScreenshotSize {
  const value = text(raw)?.toLowerCase();
  if (value === undefined) return DEFAULT_PASSED_SCREENSHOTS;
  if (!(SCREENSHOT_SIZES as readonly string[]).includes(value)) {
    throw new ConfigError(`BUGRUN_PASSED_SCREENSHOTS must be one of ${SCREENSHOT_SIZES.join(', ')} (got "${raw}")`);
  }
  return value as ScreenshotSize;
}

/** The browser takes ~90 % of the CPU, so more than one run per core only queues inside Chromium. */
function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

export function resolveConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer('port', flags.port ?? env.PORT, 8080, 0);
  const host = flags.host ?? text(env.BUGRUN_HOST) ?? '127.0.0.1';
  const dataDir = resolve(flags.dataDir ?? text(env.BUGRUN_DATA_DIR) ?? '.data');
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const publicUrl = (flags.publicUrl ?? text(env.BUGRUN_PUBLIC_URL) ?? `http://${shownHost}:${port}`).replace(/\/+$/, '');
  const heartbeatMs = 1000 * integer('BUGRUN_HEARTBEAT_SECONDS', env.BUGRUN_HEARTBEAT_SECONDS, 5, 1);
  const workerDeadAfterMs = 1000 * integer('BUGRUN_WORKER_DEAD_AFTER_SECONDS', env.BUGRUN_WORKER_DEAD_AFTER_SECONDS, 20, 2);
  // One late heartbeat must not make a live worker look dead.
  if (workerDeadAfterMs < 2 * heartbeatMs) throw new ConfigError('BUGRUN_WORKER_DEAD_AFTER_SECONDS must be at least twice BUGRUN_HEARTBEAT_SECONDS');
  return Object.freeze({
    port,
    host,
    dataDir,
    publicUrl,
    token: flags.token ?? text(env.BUGRUN_TOKEN),
    concurrency: integer('concurrency', flags.concurrency ?? env.BUGRUN_CONCURRENCY, defaultConcurrency(), 1),
    chromiumPath: text(env.CHROMIUM_PATH),
    browserWs: text(env.BUGRUN_BROWSER_WS),
    databaseUrl: text(env.BUGRUN_DATABASE_URL),
    demo: flags.demo ?? false,
    logLevel: text(env.BUGRUN_LOG_LEVEL) ?? 'warn',
    maxQueued: integer('BUGRUN_MAX_QUEUED', env.BUGRUN_MAX_QUEUED, 10_000, 1),
    spareContext: flag('BUGRUN_SPARE_CONTEXT', env.BUGRUN_SPARE_CONTEXT, true),
    retentionDays: retention(env.BUGRUN_RETENTION),
    fileLinkTtlSeconds: integer('BUGRUN_FILE_LINK_TTL', env.BUGRUN_FILE_LINK_TTL, 24 * 3600, 1),
    requestTimeoutMs: 1000 * integer('BUGRUN_REQUEST_TIMEOUT', env.BUGRUN_REQUEST_TIMEOUT, 60, 1),
    egressIps: Object.freeze(
      (text(env.BUGRUN_EGRESS_IPS) ?? '')
        .split(',')
        .map((ip) => ip.trim())
        .filter(Boolean),
    ),
    secret: text(env.BUGRUN_SECRET),
    heartbeatMs,
    workerDeadAfterMs,
    artifactStore: artifactStore(env.BUGRUN_ARTIFACT_STORE, dataDir, env),
    smtpUrl: smtpUrl(env.BUGRUN_SMTP_URL),
    smtpFrom: text(env.BUGRUN_SMTP_FROM) ?? 'Bugrun <bugrun@localhost>',
    alertRetryBaseMs: 1000 * integer('BUGRUN_ALERT_RETRY_SECONDS', env.BUGRUN_ALERT_RETRY_SECONDS, 5, 1),
    trace: tracePolicy(env.BUGRUN_TRACE),
    passedScreenshots: screenshotSize(env.BUGRUN_PASSED_SCREENSHOTS),
  });
}

/** Config for tests and embedding: defaults plus the given values, no environment. */
export function configWith(values: Partial<Config> & { dataDir: string }): Config {
  return Object.freeze({ ...resolveConfig({ dataDir: values.dataDir }, {}), ...values });
}
