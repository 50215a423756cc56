import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi, createFileUrls } from './api/index.js';
import type { Config } from './config/config.js';
import { readBundleFiles } from './definitions/index.js';
import { demoBundleDir, demoSiteDir } from './demo/paths.js';
import { BrowserPool, defaultChromiumPath } from './runner/index.js';
import { ArtifactSweeper, retentionPolicy, RunService } from './runs/index.js';
import { openStore, type Store } from './store/index.js';
import { importBundle } from './use-cases/index.js';

export interface Service {
  readonly config: Config;
  readonly store: Store;
  readonly runs: RunService;
  readonly pool: BrowserPool;
  readonly sweeper: ArtifactSweeper;
  readonly app: FastifyInstance;
  readonly projectId: string;
  /** The API token of the default project: BUGRUN_TOKEN, or the one kept in the data dir. */
  readonly token: string;
  /** True when Bugrun generated the token (kept in the data dir): only then is it shown at start. */
  readonly tokenGenerated: boolean;
  /** Listens on config.host:port; resolves with the bound URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger?: boolean | object;
  /** Background errors (run workers): the CLI logs them; services never print. */
  onError?: (err: unknown, context: string) => void;
}

/** Reads a secret kept in the data dir, creating it (mode 0600) on first start. */
async function dataDirSecret(dataDir: string, name: string, make: () => string): Promise<string> {
  const file = join(dataDir, name);
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing?.trim()) return existing.trim();
  const value = make();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** The composition root: builds every subsystem and hands each its dependencies. */
export async function createService(config: Config, opts: ServiceOptions = {}): Promise<Service> {
  await mkdir(config.dataDir, { recursive: true });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const project = (await store.projects.getDefault()) ?? (await store.projects.create({ name: 'Default project', slug: 'default' }));
  const token = config.token ?? (await dataDirSecret(config.dataDir, 'api-token', () => randomBytes(20).toString('hex')));
  await store.tokens.ensure(project.id, config.token ? 'BUGRUN_TOKEN' : 'local', token);

  const files = createFileUrls({
    secret: await dataDirSecret(config.dataDir, 'file-url-secret', () => randomBytes(32).toString('hex')),
    publicUrl: config.publicUrl,
    ttlSeconds: config.fileLinkTtlSeconds,
  });
  const pool = new BrowserPool({
    executablePath: config.chromiumPath ?? defaultChromiumPath(),
    wsEndpoint: config.browserWs ?? undefined,
    spareContext: config.spareContext,
  });
  const runs = new RunService({
    store,
    pool,
    concurrency: config.concurrency,
    maxQueued: config.maxQueued,
    retention: retentionPolicy(config.retentionDays),
  });
  runs.on('error', (err, runId) => opts.onError?.(err, `run ${runId}`));
  const sweeper = new ArtifactSweeper(store);
  sweeper.on('error', (err) => opts.onError?.(err, 'artifact sweeper'));
  const app = await buildApi({ store, runs, config, files, logger: opts.logger, demoSiteDir: config.demo ? demoSiteDir() : undefined });

  if (config.demo) {
    const bundle = await readBundleFiles([demoBundleDir()]);
    // The demo tests reach the demo site through this server, wherever it listens.
    const localized = bundle.map((f) => ({ ...f, text: f.text.replaceAll('http://127.0.0.1:8080', config.publicUrl) }));
    const result = await importBundle(store, project.id, localized);
    if (!result.ok) throw new Error(`The bundled demo project is invalid:\n${result.errors.join('\n')}`);
  }

  let closed = false;
  return {
    config,
    store,
    runs,
    pool,
    sweeper,
    app,
    projectId: project.id,
    token,
    tokenGenerated: config.token === null,
    async listen() {
      await runs.start();
      sweeper.start();
      return app.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      sweeper.stop();
      await app.close();
      await runs.close();
      await pool.close();
      await store.close();
    },
  };
}
