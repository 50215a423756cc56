import { api, apiBlob, ApiError, runPath } from '../api.js';
import { formatDuration, formatTime, h, isTerminal, message, poll, replace, safeUrl, statusBadge } from '../dom.js';

/** The step that decided a failed run: the first failure `continue_on_failure` did not excuse. */
function failingStepId(run) {
  return run.stepsRuns.find((s) => (s.status === 'failed' || s.status === 'error') && !s.ignoredFailed)?.id ?? null;
}

/** A link to the suite run a test run belongs to, named after its suite (fetched once). */
const suiteNames = new Map();
async function suiteRunLink(suiteRunId) {
  if (!suiteNames.has(suiteRunId))
    suiteNames.set(
      suiteRunId,
      api(`/api/v2/suiteruns/${encodeURIComponent(suiteRunId)}/`).then(
        (s) => s.name,
        () => 'suite run',
      ),
    );
  return h('a', { href: `/suite-runs/${encodeURIComponent(suiteRunId)}`, dataset: { nav: '' }, class: 'suite-run-link' }, await suiteNames.get(suiteRunId));
}

/** `…/files/runs/<id>/report.html?sig=…` → `report.html`. */
function fileName(url) {
  try {
    return decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

/**
 * Playwright's trace viewer (served by Bugrun at /trace-viewer/) on a run's trace. Its service
 * worker fetches the signed link; given as this origin's path, the link works whichever address
 * the UI was opened on (the public URL need not be it).
 */
function traceViewerUrl(file) {
  let link = file;
  try {
    const url = new URL(file, location.href);
    link = url.pathname + url.search;
  } catch {
    // not a URL: the viewer shows its error
  }
  return `/trace-viewer/index.html?trace=${encodeURIComponent(link)}`;
}

function lightbox() {
  const img = h('img', { alt: '' });
  const caption = h('p', { class: 'caption' });
  const dialog = h(
    'dialog',
    { class: 'lightbox', 'aria-label': 'Screenshot' },
    h('form', { method: 'dialog' }, h('button', { class: 'close', 'aria-label': 'Close' }, '×')),
    img,
    caption,
  );
  // A click on the backdrop (outside the image) closes it, as Escape does.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  return {
    open(src, text) {
      img.setAttribute('src', safeUrl(src));
      img.alt = text;
      replace(caption, text);
      dialog.showModal();
    },
    remove: () => dialog.remove(),
  };
}

function waitingConditions(list) {
  if (!list?.length) return null;
  return h(
    'ul',
    { class: 'conditions' },
    list.map((c) =>
      h(
        'li',
        {
          class: c.isSuccess ? 'ok' : c.isSoftSuccess ? 'soft' : 'bad',
          title: c.isSuccess ? 'met' : c.isSoftSuccess ? 'not met in time, action succeeded (warning)' : 'not met',
        },
        c.isSuccess ? '✓ ' : c.isSoftSuccess ? '! ' : '✗ ',
        c.type,
        c.expected !== null && c.expected !== undefined ? ` = ${c.expected}` : '',
        c.current !== null && c.current !== undefined && c.current !== c.expected ? ` (was ${c.current})` : '',
      ),
    ),
  );
}

function stepRow(step, index, failingId, box) {
  const label = step.name || step.type;
  const assertion = step.assertionProperty
    ? h(
        'div',
        { class: 'assertion muted' },
        `${step.assertionProperty} ${step.assertionType ?? ''} `,
        h('code', {}, step.assertionExpectedValue ?? ''),
        step.assertionCurrentValue !== null ? [' · got ', h('code', {}, step.assertionCurrentValue)] : null,
      )
    : null;
  const classes = ['step', `step-${step.status}`];
  if (step.id === failingId) classes.push('failing');
  if (step.warning) classes.push('warning');
  return h(
    'tr',
    { class: classes.join(' '), dataset: { stepRunId: step.id, status: step.status } },
    h('td', { class: 'num' }, String(index + 1)),
    h(
      'td',
      {},
      h('div', { class: 'step-name' }, label),
      h('div', { class: 'muted small' }, step.type, step.computedUrl ? ` · ${step.computedUrl}` : step.computedValue ? ` · ${step.computedValue}` : ''),
      assertion,
      waitingConditions(step.waitingConditions),
    ),
    h(
      'td',
      {},
      statusBadge(step.status, step.warning ? '(warning)' : step.ignoredFailed ? '(ignored)' : ''),
      h('div', { class: 'muted small' }, formatDuration(step.duration, step.status === 'running' ? step.started : null)),
    ),
    h(
      'td',
      { class: 'error-cell' },
      step.errorCode ? h('code', { class: 'error-code' }, step.errorCode) : null,
      step.error ? h('div', { class: 'error-message' }, step.error) : null,
    ),
    h(
      'td',
      { class: 'shot' },
      step.screenshotUrl
        ? h(
            'button',
            { type: 'button', class: 'thumb', title: 'Enlarge the screenshot', onclick: () => box.open(step.screenshotUrl, `Step ${index + 1}: ${label}`) },
            h('img', { src: step.screenshotUrl, alt: `Screenshot after step ${index + 1}`, loading: 'lazy' }),
          )
        : null,
    ),
  );
}

/** One run, live: progress, every step, artifacts, JUnit and Stop. `/runs/<id>` is its webappUrl. */
export function runPage(main, { params }) {
  const [id] = params;
  document.title = 'Run · Bugrun';
  const box = lightbox();
  const title = h('h1', {}, 'Run');
  const badge = h('span');
  const progress = h('progress', { max: '1', value: '0' });
  const progressText = h('span', { class: 'muted' });
  const meta = h('dl', { class: 'meta' });
  const notice = h('div');
  const artifacts = h('ul', { class: 'artifacts' });
  const steps = h('tbody');
  const stopButton = h('button', { type: 'button', class: 'danger', onclick: () => void stopRun() }, 'Stop');
  const junitButton = h('button', { type: 'button', onclick: () => void downloadJUnit() }, 'Download JUnit');
  const logsLink = h('a', { class: 'button disabled', 'aria-disabled': 'true' }, 'Logs');
  // Shown once the run has a trace artifact; a new tab without our sessionStorage (noopener).
  const traceLink = h('a', { class: 'button', hidden: true, target: '_blank', rel: 'noopener noreferrer', dataset: { traceViewer: '' } }, 'Open trace');
  const profileNames = new Map();
  const rows = new Map();
  let scrolled = false;

  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/runs', dataset: { nav: '' } }, '← Runs')),
    h('div', { class: 'page-head' }, h('div', {}, title, badge), h('div', { class: 'actions' }, logsLink, traceLink, junitButton, stopButton)),
    h('div', { class: 'progress' }, progress, progressText),
    notice,
    meta,
    h('h2', {}, 'Steps'),
    h(
      'table',
      { class: 'steps' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'Step', 'Status', 'Error', 'Screenshot'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      steps,
    ),
    h('h2', {}, 'Debug artifacts'),
    artifacts,
  );

  async function stopRun() {
    stopButton.disabled = true;
    try {
      await api(runPath(id, 'stop/'), { method: 'POST' });
      await refresh();
    } catch (err) {
      replace(notice, message('error', `Stop failed: ${err.message}`));
      stopButton.disabled = false;
    }
  }

  async function downloadJUnit() {
    try {
      const url = URL.createObjectURL(await apiBlob(runPath(id, 'report/junit/')));
      const link = h('a', { href: url, download: `bugrun-${id}-junit.xml` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      replace(notice, message('error', err.message));
    }
  }

  async function profileName(profileId) {
    if (!profileId) return '–';
    if (!profileNames.has(profileId))
      profileNames.set(
        profileId,
        api(`/api/v2/profiles/${encodeURIComponent(profileId)}/`).then(
          (p) => p.name,
          () => profileId,
        ),
      );
    return profileNames.get(profileId);
  }

  function renderArtifacts(list) {
    const logs = list.find((a) => a.kind === 'logs') ?? list.find((a) => a.kind === 'logs_partial');
    if (logs) {
      logsLink.setAttribute('href', safeUrl(logs.file));
      logsLink.setAttribute('target', '_blank');
      logsLink.setAttribute('rel', 'noopener');
      logsLink.classList.remove('disabled');
      logsLink.removeAttribute('aria-disabled');
    }
    const trace = list.find((a) => a.kind === 'trace');
    if (trace) traceLink.setAttribute('href', safeUrl(traceViewerUrl(trace.file)));
    traceLink.hidden = !trace;
    replace(
      artifacts,
      list.length === 0
        ? h('li', { class: 'muted' }, 'None yet.')
        : list.map((a) =>
            h(
              'li',
              {},
              h('a', { href: a.file, target: '_blank', rel: 'noopener', dataset: { kind: a.kind } }, a.kind),
              h('span', { class: 'muted' }, ` · ${fileName(a.file)}`, a.expirationTime ? ` · expires ${formatTime(a.expirationTime)}` : ''),
            ),
          ),
    );
  }

  async function renderRun(run, status) {
    document.title = `${run.name} · ${run.status} · Bugrun`;
    replace(title, run.name);
    replace(badge, statusBadge(run.status), run.errorCode ? h('code', { class: 'error-code' }, run.errorCode) : null);
    const total = status.totalSteps || run.stepsRuns.length || 1;
    progress.max = total;
    progress.value = status.finishedSteps;
    const current = [...run.stepsRuns].reverse().find((s) => s.status === 'running');
    replace(progressText, `${status.finishedSteps} / ${status.totalSteps} steps`, current ? ` · now: ${current.name || current.type}` : '');
    stopButton.hidden = isTerminal(run.status);
    const browser = run.browserName ? `${run.browserName} ${run.browserVersion ?? ''} · ${run.browserWidth ?? '?'}×${run.browserHeight ?? '?'}` : '–';
    const fields = [
      ['Test', run.name],
      ...(run.suiteRunId ? [['Suite run', await suiteRunLink(run.suiteRunId)]] : []),
      ['Profile', await profileName(run.runProfileId)],
      ['Triggered by', run.triggeredBy],
      ['Queued', formatTime(run.queued)],
      ['Started', formatTime(run.started)],
      ['Ended', formatTime(run.ended)],
      ['Duration', run.ended ? formatDuration(run.duration) : formatDuration(null, run.started)],
      ['Browser', browser],
      ['Screen', run.screenSizeType],
      ['Run id', run.id],
    ];
    replace(
      meta,
      fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    );

    const failingId = failingStepId(run);
    const seen = new Set();
    run.stepsRuns.forEach((step, i) => {
      const key = JSON.stringify([step, i, step.id === failingId]);
      seen.add(step.id);
      const known = rows.get(step.id);
      // Rows are rebuilt only when their step changed, so thumbnails do not reload every second.
      if (known?.key === key) return;
      const row = stepRow(step, i, failingId, box);
      if (known) known.row.replaceWith(row);
      rows.set(step.id, { key, row });
    });
    for (const [stepId, { row }] of rows) {
      if (!seen.has(stepId)) {
        row.remove();
        rows.delete(stepId);
      }
    }
    replace(
      steps,
      run.stepsRuns.map((s) => rows.get(s.id).row),
    );
    if (run.stepsRuns.length === 0)
      replace(steps, h('tr', {}, h('td', { colspan: '5', class: 'empty' }, isTerminal(run.status) ? 'No steps ran.' : 'Waiting for the first step…')));
    if (failingId && isTerminal(run.status) && !scrolled) {
      scrolled = true;
      rows.get(failingId)?.row.scrollIntoView({ block: 'center' });
    }
  }

  async function refresh() {
    let run;
    let status;
    try {
      [run, status] = await Promise.all([api(runPath(id)), api(runPath(id, 'status/'))]);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        replace(
          main,
          h('p', { class: 'crumbs' }, h('a', { href: '/runs', dataset: { nav: '' } }, '← Runs')),
          message('error', 'This run does not exist in the project of your token.'),
        );
        return false;
      }
      replace(notice, message('error', err.message));
      return true;
    }
    replace(notice);
    await renderRun(run, status);
    renderArtifacts(await api(runPath(id, 'debug-artifacts/')).catch(() => []));
    return !isTerminal(run.status);
  }

  const stop = poll(refresh, 1000);
  return () => {
    stop();
    box.remove();
  };
}
