import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from './config.js';

/** Where the `bugrun` client commands find the server: flags > environment > saved file > defaults. */
export interface ClientConfig {
  readonly url: string;
  readonly token: string | null;
  /** Where the token came from, for messages (`--token`, `BUGRUN_TOKEN`, the saved file). */
  readonly tokenSource: 'flag' | 'env' | 'saved' | null;
}

/** What `bugrun config set-token` / `set-url` keep between invocations. */
export interface SavedClientConfig {
  url?: string;
  token?: string;
}

function text(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** `$XDG_CONFIG_HOME/bugrun/config.json`, else `~/.config/bugrun/config.json`. */
export function clientConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = text(env.XDG_CONFIG_HOME) ?? join(text(env.HOME) ?? homedir(), '.config');
  return join(base, 'bugrun', 'config.json');
}

/** The saved settings; a missing file is an empty config, an unreadable one a ConfigError. */
export function readSavedClientConfig(path: string): SavedClientConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read the saved configuration ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ConfigError(`The saved configuration ${path} is not valid JSON; fix it or delete it`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  const record = data as Record<string, unknown>;
  return {
    ...(typeof record.url === 'string' && record.url !== '' ? { url: record.url } : {}),
    ...(typeof record.token === 'string' && record.token !== '' ? { token: record.token } : {}),
  };
}

/**
 * Merges `patch` into the saved file. The file holds an API token, so it is written 0600 (and
 * re-chmodded, since an existing file keeps its old mode) inside a 0700 folder, atomically.
 */
export function saveClientConfig(path: string, patch: SavedClientConfig): SavedClientConfig {
  const next = { ...readSavedClientConfig(path), ...patch };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return next;
}

export function normalizeServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`"${raw}" is not a valid URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`"${raw}" must be an http:// or https:// URL`);
  return raw.trim().replace(/\/+$/, '');
}

export function resolveClientConfig(
  flags: { url?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
  saved: SavedClientConfig = readSavedClientConfig(clientConfigPath(env)),
): ClientConfig {
  const url = text(flags.url) ?? text(env.BUGRUN_URL) ?? saved.url ?? `http://127.0.0.1:${text(env.PORT) ?? 8080}`;
  const flagToken = text(flags.token);
  const envToken = text(env.BUGRUN_TOKEN);
  const token = flagToken ?? envToken ?? saved.token ?? null;
  const tokenSource = flagToken ? 'flag' : envToken ? 'env' : saved.token ? 'saved' : null;
  return Object.freeze({ url: normalizeServerUrl(url), token, tokenSource });
}
