import type { BrowserContext } from 'playwright-core';
import type { StepContext } from '../step-context.js';

/** Authorization headers per origin, per run (a context is one run). */
const credentials = new WeakMap<BrowserContext, Map<string, string>>();

/**
 * HTTP basic auth for goto's `username`/`password`. Playwright only takes credentials when a
 * context is created, so the run adds an Authorization header to the requests of that origin
 * instead, and to no other origin: the credentials must not leak to third parties. The route is
 * installed only in runs that use credentials, since routing makes every request pass through us.
 */
export async function useBasicAuth(ctx: StepContext, url: string): Promise<void> {
  const username = ctx.render(ctx.details.username);
  const password = ctx.render(ctx.details.password);
  if (!username && !password) return;
  if (password) ctx.session.secrets.add(password);
  const token = Buffer.from(`${username}:${password}`).toString('base64');
  ctx.session.secrets.add(token);
  const context = ctx.session.context;
  let byOrigin = credentials.get(context);
  if (!byOrigin) {
    const map = new Map<string, string>();
    byOrigin = map;
    credentials.set(context, map);
    await context.route(
      (u) => map.has(u.origin),
      async (route) => {
        const header = map.get(new URL(route.request().url()).origin);
        if (!header) return route.fallback();
        await route.continue({ headers: { ...route.request().headers(), authorization: header } });
      },
    );
  }
  byOrigin.set(new URL(url).origin, `Basic ${token}`);
}
