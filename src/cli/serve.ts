import type { Command } from 'commander';
import { resolveConfig } from '../config/config.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Bugrun server (API, runner, web UI)')
    .option('--port <n>', 'port to listen on (env PORT, default 8080)')
    .option('--host <host>', 'interface to bind (default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the database and artifacts live (env BUGRUN_DATA_DIR, default ./.data)')
    .option('--concurrency <n>', 'runs executing at once (env BUGRUN_CONCURRENCY)')
    .option('--demo', 'import the bundled demo project and serve its site at /demo/')
    .action(async (flags: { port?: string; host?: string; dataDir?: string; concurrency?: string; demo?: boolean }) => {
      const config = resolveConfig(flags);
      // Loaded on demand: the browser driver and database are heavy for the client commands.
      const { createService } = await import('../service.js');
      const service = await createService(config, {
        logger: { level: config.logLevel },
        onError: (err, context) => console.error(`bugrun: background error in ${context}:`, err),
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
      await service.listen();
      const url = config.publicUrl;
      // A token the operator chose (BUGRUN_TOKEN) is theirs already: never echo it into a log.
      const token = service.tokenGenerated ? service.token : '$BUGRUN_TOKEN';
      const lines = [
        `Bugrun is running at ${url}`,
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
}
