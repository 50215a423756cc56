import type { ClientConfig } from '../config/client-config.js';

export class CliError extends Error {}

/** A JSON request to the Bugrun API; any failure becomes one clear CliError line. */
export async function apiRequest<T>(client: ClientConfig, method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  if (!client.token) throw new CliError('No API token: pass --token or set BUGRUN_TOKEN');
  let res: Response;
  try {
    res = await fetch(`${client.url}${path}`, {
      method,
      headers: { authorization: `Token ${client.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new CliError(`Cannot reach the Bugrun server at ${client.url} (${cause})`);
  }
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (res.status === 401) throw new CliError(`The server at ${client.url} rejected the API token (401)`);
  return { status: res.status, data: data as T };
}
