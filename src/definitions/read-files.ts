import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SourceFile } from './diagnostic.js';

const YAML_FILE = /\.ya?ml$/i;

/**
 * Reads the files of a bundle: each path is a file (read whatever its extension) or a folder
 * (every *.yaml / *.yml below it, in sorted order so imports and their diagnostics are
 * reproducible). Hidden folders such as `.git` are skipped. A file reached twice is read once.
 * The only function here that touches the file system; it rejects with the fs error for a path
 * that cannot be read.
 */
export async function readBundleFiles(paths: string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const info = await stat(path);
    const found = info.isDirectory() ? await listYamlFiles(path) : [path];
    for (const file of found) {
      const key = resolve(file);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push({ path: file, text: await readFile(file, 'utf8') });
    }
  }
  return files;
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listYamlFiles(full)));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(full);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
