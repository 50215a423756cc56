import type { Page } from 'playwright-core';
import type { RunSession } from './run-session.js';

/** Console messages, page errors and crashes become `console` events (masked by the emitter). */
export function listenToPage(s: RunSession, page: Page): void {
  const at = (): string => new Date().toISOString();
  page.on('console', (msg) => {
    const url = msg.location().url;
    s.events.console({ at: at(), level: msg.type(), text: msg.text(), url: url || null });
  });
  page.on('pageerror', (err) => {
    s.events.console({ at: at(), level: 'pageerror', text: err.stack ?? err.message, url: page.url() || null });
  });
  page.on('crash', () => {
    s.health.crash();
    s.events.console({ at: at(), level: 'crash', text: 'The page crashed', url: page.url() || null });
    s.events.log('error', 'The page crashed');
  });
}
