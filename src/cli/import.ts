import { relative } from 'node:path';
import type { Command } from 'commander';
import { resolveClientConfig } from '../config/client-config.js';
import { apiRequest, CliError } from './http-client.js';

interface ImportResponse {
  objects?: { type: string; slug: string; id: string; status: string }[];
  warnings?: string[];
  errors?: string[];
  detail?: string;
  [field: string]: unknown;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import BugBug YAML v1 files or bundle folders into the project of the token')
    .argument('<paths...>', 'YAML files or folders')
    .option('--url <url>', 'Bugrun server URL (env BUGRUN_URL, `bugrun config set-url`)')
    .option('--token <token>', 'API token (env BUGRUN_TOKEN, `bugrun config set-token`)')
    .action(async (paths: string[], flags: { url?: string; token?: string }) => {
      const client = resolveClientConfig(flags);
      // Loaded on demand: the YAML parser and schema validator are heavy for the other commands.
      const { readBundleFiles } = await import('../definitions/index.js');
      const files = await readBundleFiles(paths).catch((err: unknown) => {
        throw new CliError(err instanceof Error ? err.message : String(err));
      });
      if (files.length === 0) throw new CliError(`No .yaml or .yml files found in ${paths.join(', ')}`);
      const { status, data } = await apiRequest<ImportResponse>(client, 'POST', '/api/v2/import/', {
        files: files.map((f) => ({ path: relative(process.cwd(), f.path) || f.path, content: f.text })),
      });
      for (const w of data?.warnings ?? []) console.error(w);
      if (status !== 200) {
        const lines = data?.errors ?? [data?.detail ?? `Import failed with HTTP ${status}: ${JSON.stringify(data)}`];
        for (const line of lines) console.error(line);
        process.exitCode = 1;
        return;
      }
      for (const o of data.objects ?? []) console.log(`${o.type} ${o.slug} ${o.id} ${o.status}`);
    });
}
