import type { Command } from 'commander';
import { resolveConfig, type Config, type ConfigFlags } from '../config/config.js';
import type { Role } from '../api/ops-routes.js';
import type { Service } from '../service.js';

const DATA_DIR = 'where the database and artifacts live (env BUGRUN_DATA_DIR, default ./.data)';
const CONCURRENCY = 'runs executing at once (env BUGRUN_CONCURRENCY)';

/** Starts a process of `role` and closes it on SIGINT/SIGTERM: no new work, runs in flight end `error`. */
async function startProcess(role: Role, config: Config, listen: boolean): Promise<Service> {
  // Loaded on demand: the browser driver and database are heavy for the client commands.
  const { createService } = await import('../service.js');
  const service = await createService(config, {
    role,
    logger: { level: config.logLevel },
    onError: (err, context) => console.error(`bugrun: background error in ${context}:`, err),
    onNotice: (message) => console.log(`bugrun: ${message}`),
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, shutting down...`);
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('bugrun: error while shutting down:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (listen) await service.listen();
  else await service.start();
  return service;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Bugrun server (API, runner, web UI)')
    .option('--port <n>', 'port to listen on (env PORT, default 8080)')
    .option('--host <host>', 'interface to bind (default 127.0.0.1)')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--concurrency <n>', CONCURRENCY)
    .option('--no-worker', 'API only: runs are executed by `bugrun worker` processes (needs BUGRUN_DATABASE_URL)')
    .option('--demo', 'import the bundled demo project (once per database) and serve its site at /demo/')
    .action(async (flags: ConfigFlags & { worker: boolean }) => {
      const config = resolveConfig(flags);
      const service = await startProcess(flags.worker ? 'serve' : 'api', config, true);
      const url = config.publicUrl;
      // A token the operator chose (BUGRUN_TOKEN) is theirs already: never echo it into a log.
      const token = service.tokenGenerated ? service.token : '$BUGRUN_TOKEN';
      const lines = [
        `Bugrun ${flags.worker ? '' : '(API only) '}is running at ${url}`,
        service.tokenGenerated ? `API token: ${service.token}` : 'API token: the one in BUGRUN_TOKEN',
        `Data directory: ${config.dataDir}`,
        `Web UI: ${url}/ (sign in with the token) · API reference: ${url}/docs`,
      ];
      if (config.demo) {
        const demoTest = await service.store.tests.getBySlug(service.projectId, 'sign-in-dashboard');
        lines.push(
          '',
          'Start a demo run:',
          `  curl -s -X POST ${url}/api/v2/testruns/ -H "Authorization: Token ${token}" -H 'Content-Type: application/json' -d '{"testId": "${demoTest?.id ?? '<test id>'}"}'`,
          'Then watch it (replace <runId> with the "id" printed above):',
          `  curl -s ${url}/api/v2/testruns/<runId>/status/ -H "Authorization: Token ${token}"`,
        );
      }
      console.log(lines.join('\n'));
    });

  program
    .command('worker')
    .description('execute queued runs (no public API); needs BUGRUN_DATABASE_URL')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--concurrency <n>', CONCURRENCY)
    .option('--port <n>', 'serve /healthz and /metrics on this port (env PORT; default: no HTTP)')
    .option('--host <host>', 'interface for /healthz and /metrics (default 127.0.0.1)')
    .action(async (flags: ConfigFlags) => {
      const listen = flags.port !== undefined || (process.env.PORT ?? '') !== '';
      const config = resolveConfig(flags);
      const service = await startProcess('worker', config, listen);
      const where = listen ? `; /healthz and /metrics on http://${config.host}:${config.port}` : '';
      console.log(`Bugrun worker ${service.runs.worker?.id ?? ''} is taking runs (${config.concurrency} at once)${where}`);
    });
}
