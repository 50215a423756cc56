/** Where the `bugrun` client commands find the server: flags > environment > defaults. */
export interface ClientConfig {
  readonly url: string;
  readonly token: string | null;
}

export function resolveClientConfig(flags: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const url = flags.url ?? env.BUGRUN_URL ?? `http://127.0.0.1:${env.PORT ?? 8080}`;
  return Object.freeze({ url: url.replace(/\/+$/, ''), token: flags.token ?? env.BUGRUN_TOKEN ?? null });
}
