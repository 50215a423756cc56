import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveConfig } from '../config/config.js';
import type { Store } from '../store/index.js';
import { CliError } from './http-client.js';

interface DataFlags {
  dataDir?: string;
}

/**
 * `bugrun token create|list|revoke`: API tokens of the default project, managed on the server's
 * own data (like `serve`, it opens the store directly; SQLite's WAL lets a running server share it).
 */
export function registerToken(program: Command): void {
  const token = program.command('token').description('manage API tokens in the local data directory');
  const dataDir = (cmd: Command) => cmd.option('--data-dir <dir>', 'the server data directory (env BUGRUN_DATA_DIR, default ./.data)');

  dataDir(token.command('create').description('create an API token; prints it once'))
    .option('--name <name>', 'a label to tell tokens apart', 'cli')
    .action(async (flags: DataFlags & { name: string }) => {
      await withProject(
        flags,
        async (store, projectId) => {
          const created = await store.tokens.create(projectId, flags.name);
          console.log([`id: ${created.id}`, `name: ${flags.name}`, `token: ${created.token}`].join('\n'));
          console.error('Copy the token now: it is stored hashed and cannot be shown again.');
        },
        true,
      );
    });

  dataDir(token.command('list').description('list the API tokens (never their values)')).action(async (flags: DataFlags) => {
    await withProject(flags, async (store, projectId) => {
      const rows = await store.tokens.list(projectId);
      if (rows.length === 0) return console.error('(no tokens)');
      const table = [
        ['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'STATE'],
        ...rows.map((t) => [t.id, t.name, `${t.prefix}…`, t.created, t.lastUsed ?? '-', t.revoked ? 'revoked' : 'active']),
      ];
      const widths = table[0].map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
      console.log(table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n'));
    });
  });

  dataDir(token.command('revoke').description('revoke an API token by id'))
    .argument('<id>', 'the token id (from `bugrun token list`)')
    .action(async (id: string, flags: DataFlags) => {
      await withProject(flags, async (store, projectId) => {
        const known = (await store.tokens.list(projectId)).find((t) => t.id === id.toLowerCase());
        if (!known) throw new CliError(`No token with id "${id}"; \`bugrun token list\` shows them`);
        if (!(await store.tokens.revoke(projectId, known.id))) throw new CliError(`Token "${id}" is already revoked`);
        console.log(`Revoked token ${known.id} (${known.name})`);
      });
    });
}

async function withProject(flags: DataFlags, work: (store: Store, projectId: string) => Promise<void>, create = false): Promise<void> {
  const config = resolveConfig({ dataDir: flags.dataDir });
  if (!create && config.databaseUrl === null && !existsSync(config.dataDir)) {
    throw new CliError(`No Bugrun data directory at ${config.dataDir} (pass --data-dir or set BUGRUN_DATA_DIR)`);
  }
  // Loaded on demand: the database drivers are heavy for the other commands.
  const { openStore } = await import('../store/index.js');
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, artifacts: config.artifactStore, exclusive: false });
  try {
    const project = (await store.projects.getDefault()) ?? (await store.projects.create({ name: 'Default project', slug: 'default' }));
    await work(store, project.id);
  } finally {
    await store.close();
  }
}
