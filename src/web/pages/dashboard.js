import { api } from '../api.js';
import { formatDuration, h, message, poll, replace } from '../dom.js';
import { dayLabel, meter, passRateChart, percent, ring, runStrip, seconds } from './charts.js';
import { legend } from './test.js';

const PERIODS = [7, 14, 30, 90];

/** The project's health (`/dashboard`): pass rate per day, the slowest tests and the flaky ones, over a period. */
export function dashboardPage(main, { query }) {
  document.title = 'Health · Bugrun';
  const asked = Number(query.get('days'));
  let days = PERIODS.includes(asked) ? asked : 14;
  const period = h(
    'select',
    { name: 'days', 'aria-label': 'Period' },
    PERIODS.map((d) => h('option', { value: String(d), selected: d === days }, `Last ${d} days`)),
  );
  const notice = h('div');
  const tiles = h('div', { class: 'tiles' });
  const rangeText = h('p', { class: 'muted small range' });
  const chart = h('div', { class: 'chart-box' });
  const slowest = h('div', { class: 'panel-body' });
  const flakiest = h('div', { class: 'panel-body' });
  let last = '';
  let closed = false;

  period.addEventListener('change', () => {
    days = Number(period.value);
    history.replaceState(null, '', `/dashboard${days === 14 ? '' : `?days=${days}`}`);
    void refresh();
  });

  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Health'), h('label', { class: 'period' }, period)),
    notice,
    tiles,
    h('h2', {}, 'Pass rate per day'),
    rangeText,
    chart,
    h(
      'div',
      { class: 'panels' },
      h(
        'section',
        { class: 'panel slowest' },
        h('h2', {}, 'Slowest tests'),
        h('p', { class: 'muted small' }, 'By median duration of the runs that passed or failed.'),
        slowest,
      ),
      h(
        'section',
        { class: 'panel flakiest' },
        h('h2', {}, 'Flaky tests'),
        h('p', { class: 'muted small' }, 'Passed and failed by turns without a change to the test, or passed on a suite retry.'),
        flakiest,
      ),
    ),
  );

  const testLink = (t) => h('a', { href: `/tests/${encodeURIComponent(t.testId)}`, dataset: { nav: '' }, class: 'test-link' }, t.name);

  function render(data) {
    const totals = data.daily.reduce((n, d) => ({ runs: n.runs + d.total, failed: n.failed + d.failed + d.error }), { runs: 0, failed: 0 });
    replace(
      tiles,
      h(
        'div',
        { class: 'tile' },
        ring(data.passRate, 'Pass rate'),
        h('div', {}, h('div', { class: 'tile-value' }, percent(data.passRate)), h('div', { class: 'tile-label' }, 'Pass rate')),
      ),
      h(
        'div',
        { class: 'tile' },
        h('div', {}, h('div', { class: 'tile-value' }, String(totals.runs)), h('div', { class: 'tile-label' }, 'Runs with a verdict')),
      ),
      h('div', { class: 'tile' }, h('div', {}, h('div', { class: 'tile-value' }, String(totals.failed)), h('div', { class: 'tile-label' }, 'Failed or error'))),
      h(
        'div',
        { class: `tile${data.flakiest.length > 0 ? ' warn' : ''}` },
        h('div', {}, h('div', { class: 'tile-value' }, String(data.flakiest.length)), h('div', { class: 'tile-label' }, 'Flaky tests')),
      ),
    );
    replace(rangeText, `${dayLabel(data.from, true)} – ${dayLabel(data.to, true)} (UTC days). Hover a point for its day.`);
    replace(chart, totals.runs === 0 ? h('p', { class: 'empty muted' }, 'No runs in this period.') : passRateChart(data.daily));

    const longest = Math.max(...data.slowest.map((t) => seconds(t.medianDuration) ?? 0), 0.001);
    replace(
      slowest,
      data.slowest.length === 0
        ? h('p', { class: 'empty muted' }, 'No finished runs in this period.')
        : h(
            'ol',
            { class: 'ranked' },
            data.slowest.map((t) =>
              h(
                'li',
                { dataset: { testId: t.testId } },
                h('div', { class: 'ranked-head' }, testLink(t), h('span', { class: 'value' }, formatDuration(t.medianDuration))),
                meter((seconds(t.medianDuration) ?? 0) / longest, 'duration'),
                h('div', { class: 'muted small' }, `median of ${t.runs} run${t.runs === 1 ? '' : 's'}`),
              ),
            ),
          ),
    );
    replace(
      flakiest,
      data.flakiest.length === 0
        ? h('p', { class: 'empty muted' }, 'No flaky tests in this period.')
        : [
            h(
              'ol',
              { class: 'ranked' },
              data.flakiest.map((t) =>
                h(
                  'li',
                  { dataset: { testId: t.testId } },
                  h(
                    'div',
                    { class: 'ranked-head' },
                    testLink(t),
                    h(
                      'span',
                      { class: 'value' },
                      t.flips > 0 ? h('span', { class: 'badge flaky-badge flips' }, `${t.flips} flip${t.flips === 1 ? '' : 's'}`) : null,
                      t.retryPasses > 0
                        ? h('span', { class: 'badge flaky-badge retries' }, `${t.retryPasses} retry pass${t.retryPasses === 1 ? '' : 'es'}`)
                        : null,
                    ),
                  ),
                  runStrip(t.outcomes, (o) => o.status),
                  h('div', { class: 'muted small reason' }, t.flakyReason),
                ),
              ),
            ),
            legend(['passed', 'failed']),
          ],
    );
  }

  async function refresh() {
    let data;
    try {
      data = await api(`/api/v2/health/?days=${days}`);
    } catch (err) {
      if (closed) return false;
      replace(notice, message('error', err.message));
      return true;
    }
    // A look started before the period changed shows nothing.
    if (closed) return false;
    if (data.days !== days) return true;
    replace(notice);
    const signature = JSON.stringify(data);
    if (signature !== last) {
      last = signature;
      render(data);
    }
    return true;
  }

  const stop = poll(refresh, 5000);
  return () => {
    closed = true;
    stop();
  };
}
