import { it } from 'vitest';
import { BrowserPool, defaultChromiumPath, runPlan } from '../../src/runner/index.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { CollectingSink, assertStep, click, goto, plan, type, variable } from './plan-builder.js';

it('bench', async () => {
  const server = await startFixtureServer();
  const pool = new BrowserPool({ executablePath: defaultChromiumPath() });
  let t = Date.now(); await pool.browser(); console.log('launch', Date.now() - t);
  for (let i = 0; i < 3; i++) {
    const sink = new CollectingSink();
    const origEmit = sink.emit.bind(sink);
    const times: string[] = [];
    const t0 = Date.now();
    sink.emit = (e) => { times.push(`${Date.now() - t0} ${e.type}${e.type === 'step-ended' ? ' ' + e.step.type + ' ' + (Date.parse(e.step.ended!) - Date.parse(e.step.started!)) : ''}`); origEmit(e); };
    const p = plan([
      goto(`${server.url}/login.html`),
      type('#email', 'a@b.c'),
      type('#password', 'pw'),
      click('#submit'),
      assertStep({ assertion_property: 'pageTitle', assertion_type: 'equal', assertion_expected_value: 'Dashboard' }),
    ]);
    t = Date.now();
    const o = await runPlan(p, { pool, sink, signal: new AbortController().signal });
    console.log('run', Date.now() - t, o.status, '\n' + times.filter((x) => !x.includes(' log')).join('\n'));
  }
  await pool.close(); await server.close();
}, 60000);
