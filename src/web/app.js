// The Bugrun web UI: a small client-side router over its pages. The server answers index.html
// for every page path (/, /signin, /runs, /runs/<id>, /dashboard, /tests, /tests/<id>, /suites,
// /suite-runs/<id>, /schedules, /schedules/<id>, /alerts, /alerts/<id>), so a run's or suite run's
// webappUrl opens here.
import { auth } from './api.js';
import { message, replace } from './dom.js';
import { alertPage } from './pages/alert.js';
import { alertsPage } from './pages/alerts.js';
import { dashboardPage } from './pages/dashboard.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { schedulePage } from './pages/schedule.js';
import { schedulesPage } from './pages/schedules.js';
import { signInPage } from './pages/signin.js';
import { suiteRunPage } from './pages/suite-run.js';
import { suitesPage } from './pages/suites.js';
import { testPage } from './pages/test.js';
import { testsPage } from './pages/tests.js';

const ROUTES = [
  { pattern: /^\/(?:runs\/?)?$/, page: runsPage, section: 'runs' },
  { pattern: /^\/runs\/([^/]+)\/?$/, page: runPage, section: 'runs' },
  { pattern: /^\/dashboard\/?$/, page: dashboardPage, section: 'dashboard' },
  { pattern: /^\/tests\/?$/, page: testsPage, section: 'tests' },
  { pattern: /^\/tests\/([^/]+)\/?$/, page: testPage, section: 'tests' },
  { pattern: /^\/suites\/?$/, page: suitesPage, section: 'suites' },
  { pattern: /^\/suite-runs\/([^/]+)\/?$/, page: suiteRunPage, section: 'runs' },
  { pattern: /^\/schedules\/?$/, page: schedulesPage, section: 'schedules' },
  { pattern: /^\/schedules\/([^/]+)\/?$/, page: schedulePage, section: 'schedules' },
  { pattern: /^\/alerts\/?$/, page: alertsPage, section: 'alerts' },
  { pattern: /^\/alerts\/([^/]+)\/?$/, page: alertPage, section: 'alerts' },
  { pattern: /^\/signin\/?$/, page: signInPage, section: 'signin', public: true },
];

const main = document.getElementById('main');
let cleanup = null;

export function navigate(path, { replace: replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

function render() {
  if (cleanup) cleanup();
  cleanup = null;
  const path = location.pathname;
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route) {
    replace(main, message('error', 'There is no such page.'));
    return;
  }
  if (!route.public && !auth.token) {
    const next = path === '/' || path === '/runs' ? '' : `?next=${encodeURIComponent(path + location.search)}`;
    navigate(`/signin${next}`, { replace: true });
    return;
  }
  document.body.dataset.section = route.section;
  document.body.classList.toggle('signed-in', Boolean(auth.token));
  for (const link of document.querySelectorAll('.links a[data-section]')) {
    link.classList.toggle('active', link.dataset.section === route.section);
  }
  replace(main);
  const params = path.match(route.pattern).slice(1).map(decodeURIComponent);
  const ctx = { params, query: new URLSearchParams(location.search), navigate };
  cleanup = route.page(main, ctx) ?? null;
}

// In-app links navigate without reloading (modified clicks open new tabs as usual).
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-nav]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

document.getElementById('sign-out').addEventListener('click', () => {
  auth.clear();
  navigate('/signin');
});

window.addEventListener('bugrun:signed-out', () => {
  if (location.pathname !== '/signin') navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}&expired=1`, { replace: true });
});
window.addEventListener('popstate', render);
render();
