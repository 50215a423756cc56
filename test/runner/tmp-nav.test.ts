import { it } from 'vitest';
import { chromium } from 'playwright-core';
import { startFixtureServer } from '../helpers/fixture-server.js';

it('nav', async () => {
  const server = await startFixtureServer();
  const b = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
  const ctx = await b.newContext(); const p = await ctx.newPage();
  await p.goto(`${server.url}/title.html`);
  await p.evaluate('location.href = "/slow?ms=3000"');
  let t = Date.now();
  try { await p.waitForLoadState('load', { timeout: 700 }); console.log('load ok', Date.now()-t) } catch (e) { console.log('load timeout', Date.now()-t) }
  t = Date.now();
  console.log('readyState', await p.evaluate(() => document.readyState), Date.now() - t);
  t = Date.now();
  console.log('eval', await p.evaluate('1'), Date.now() - t);
  t = Date.now();
  console.log('title', await p.title(), Date.now() - t);
  await b.close(); await server.close();
}, 30000);
