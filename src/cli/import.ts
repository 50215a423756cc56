import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
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

interface BundleEntry {
  /** Relative to the bundle folder (what the server and uploadFile's `file_source` use). */
  path: string;
  /** As the user would name it, for error lines. */
  shown: string;
  content: string;
  encoding?: 'base64';
}

const YAML_FILE = /\.ya?ml$/i;
/** Under the server's 50 MB body limit once base64 and JSON have grown it. */
const MAX_BUNDLE_BYTES = 30 * 1024 * 1024;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The files to send: a folder argument is a bundle (its YAML documents plus the other files its
 * tests may upload, paths relative to the folder); a file argument is sent by its name.
 */
async function collect(paths: string[]): Promise<BundleEntry[]> {
  const entries = new Map<string, BundleEntry>();
  let bytes = 0;
  for (const arg of paths) {
    const info = await stat(arg).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(err.code === 'ENOENT' ? `No such file or folder: ${arg}` : `Cannot read ${arg}: ${err.message}`);
    });
    const files = info.isDirectory()
      ? (await listFiles(arg)).map((f) => ({ file: f, path: relative(arg, f).split(sep).join('/') }))
      : [{ file: arg, path: basename(arg) }];
    for (const { file, path } of files) {
      const data = await readFile(file);
      bytes += data.length;
      if (bytes > MAX_BUNDLE_BYTES) throw new CliError(`The bundle is larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MB; import it in parts`);
      const shown = relative(process.cwd(), file) || file;
      const existing = entries.get(path);
      if (existing && existing.shown !== shown)
        throw new CliError(`${existing.shown} and ${shown} would both be "${path}" in the bundle; import them separately`);
      entries.set(
        path,
        YAML_FILE.test(path) ? { path, shown, content: data.toString('utf8') } : { path, shown, content: data.toString('base64'), encoding: 'base64' },
      );
    }
  }
  return [...entries.values()];
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import BugBug YAML v1 files or bundle folders into the project of the token')
    .argument('<paths...>', 'YAML files or bundle folders')
    .option('--url <url>', 'Bugrun server URL (env BUGRUN_URL, `bugrun config set-url`)')
    .option('--token <token>', 'API token (env BUGRUN_TOKEN, `bugrun config set-token`)')
    .action(async (paths: string[], flags: { url?: string; token?: string }) => {
      const client = resolveClientConfig(flags);
      const files = await collect(paths);
      if (!files.some((f) => YAML_FILE.test(f.path))) throw new CliError(`No .yaml or .yml files found in ${paths.join(', ')}`);
      const { status, data } = await apiRequest<ImportResponse>(client, 'POST', '/api/v2/import/', {
        files: files.map(({ path, content, encoding }) => ({ path, content, ...(encoding ? { encoding } : {}) })),
      });
      // Diagnostics name bundle paths; show them as the user's own paths.
      const local = (line: string) => {
        const hit = files.find((f) => line.startsWith(`${f.path}:`));
        return hit ? `${hit.shown}${line.slice(hit.path.length)}` : line;
      };
      for (const w of data?.warnings ?? []) console.error(local(w));
      if (status !== 200) {
        const lines = data?.errors ?? [data?.detail ?? `Import failed with HTTP ${status}: ${JSON.stringify(data)}`];
        for (const line of lines) console.error(local(line));
        process.exitCode = 1;
        return;
      }
      for (const o of data.objects ?? []) console.log(`${o.type} ${o.slug} ${o.id} ${o.status}`);
    });
}
