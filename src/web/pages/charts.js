// SVG pictures of test health, drawn by the page itself: no chart library, no markup parsed from
// data. Every string reaches the SVG as a text node or an attribute value, as in dom.js.
import { formatDuration, h } from '../dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** `s('rect', {x: 1, class: 'bar'}, child…)`: an SVG element; children are nodes or text. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A tooltip: SVG shows an element's `<title>` child on hover. */
export const tip = (text) => s('title', {}, text);

/** DRF `HH:MM:SS.ffffff` in seconds; null for anything else. */
export function seconds(duration) {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(duration ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

/** `12.5 s`, `2 min`, `1 min 30 s` for axis labels. */
function secondsLabel(value) {
  if (value < 60) return `${Number(value.toPrecision(3))} s`;
  const minutes = Math.floor(value / 60);
  const rest = Math.round(value - minutes * 60);
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** A round step that cuts 0…max into about `count` parts. */
function niceStep(max, count) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** A share as `83 %` (null: `–`). */
export const percent = (share) => (share === null || share === undefined ? '–' : `${Math.round(share * 100)} %`);

/** A UTC day (`2026-12-03`) as `Dec 3` in the browser's language. */
export function dayLabel(date, long = false) {
  const d = new Date(`${date}T00:00:00Z`);
  return d.toLocaleDateString(
    undefined,
    long ? { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' },
  );
}

/** A ring filled to `share` (0…1), the picture beside the number; grey when there is none. */
export function ring(share, label) {
  const r = 26;
  const length = 2 * Math.PI * r;
  const filled = share === null || share === undefined ? 0 : share * length;
  return s(
    'svg',
    { class: 'ring', viewBox: '0 0 64 64', width: '48', height: '48', role: 'img', 'aria-label': `${label}: ${percent(share)}` },
    s('circle', { class: 'ring-track', cx: 32, cy: 32, r }),
    share === null || share === undefined
      ? null
      : s('circle', { class: 'ring-fill', cx: 32, cy: 32, r, 'stroke-dasharray': `${filled} ${length}`, transform: 'rotate(-90 32 32)' }),
  );
}

/**
 * One bar per run, oldest left, as tall as the run took and coloured by its status; a run
 * without a duration (not ended, or never started) is a short grey stub. A dashed line marks
 * the median. `onOpen(run)` is called when a bar is clicked.
 */
export function durationChart(runs, { median, onOpen }) {
  const W = CHART_MARGINS.width;
  const H = 230;
  const { left, right } = CHART_MARGINS;
  const top = 14;
  const bottom = 30;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const values = runs.map((r) => seconds(r.duration));
  const max = Math.max(...values.filter((v) => v !== null), seconds(median) ?? 0, 0.001);
  const step = niceStep(max, 4);
  const ceiling = Math.ceil(max / step) * step;
  const y = (v) => top + plotH - (v / ceiling) * plotH;
  const slot = plotW / Math.max(runs.length, 1);
  const barW = Math.max(2, Math.min(28, slot * 0.72));

  const grid = [];
  for (let v = 0; v <= ceiling + step / 1000; v += step) {
    grid.push(
      s('line', { class: v === 0 ? 'axis' : 'grid', x1: left, x2: W - right, y1: y(v), y2: y(v) }),
      s('text', { class: 'tick', x: left - 8, y: y(v) + 4, 'text-anchor': 'end' }, secondsLabel(v)),
    );
  }
  const bars = runs.map((run, i) => {
    const v = values[i];
    const x = left + slot * i + (slot - barW) / 2;
    const height = v === null ? 3 : Math.max(1.5, (v / ceiling) * plotH);
    const when = run.started ?? run.queued;
    return s(
      'rect',
      {
        class: v === null ? 'bar no-duration' : 'bar',
        x: x.toFixed(1),
        y: (top + plotH - height).toFixed(1),
        width: barW.toFixed(1),
        height: height.toFixed(1),
        rx: Math.min(3, barW / 4),
        dataset: { runId: run.id, status: run.status },
        onclick: () => onOpen(run),
      },
      tip(`${run.status} · ${v === null ? 'no duration' : formatDuration(run.duration)} · ${when ? new Date(when).toLocaleString() : ''}`),
    );
  });
  const m = seconds(median);
  const medianLine =
    m === null
      ? null
      : s(
          'g',
          { class: 'median' },
          s('line', { x1: left, x2: W - right, y1: y(m), y2: y(m) }),
          s('text', { x: W - right - 4, y: y(m) - 6, 'text-anchor': 'end' }, `median ${formatDuration(median)}`),
        );
  const first = runs[0];
  const last = runs[runs.length - 1];
  const dateOf = (run) => (run ? new Date(run.started ?? run.queued).toLocaleDateString() : '');
  return s(
    'svg',
    {
      class: 'chart duration-chart',
      viewBox: `0 0 ${W} ${H}`,
      width: '100%',
      role: 'img',
      'aria-label': `Duration of the last ${runs.length} runs, oldest first`,
    },
    grid,
    bars,
    medianLine,
    s('text', { class: 'tick', x: left, y: H - 8 }, runs.length > 0 ? `${dateOf(first)} (oldest)` : ''),
    s('text', { class: 'tick', x: W - right, y: H - 8, 'text-anchor': 'end' }, runs.length > 0 ? `${dateOf(last)} (newest)` : ''),
  );
}

/**
 * Pass rate per day as a line over 0–100 %, a point per day with runs (days without any break the
 * line), and under it each day's runs as a stacked bar: passed, failed, error.
 */
export function passRateChart(daily) {
  const W = 1100;
  const H = 300;
  const left = 56;
  const right = 16;
  const top = 16;
  const rateH = 170;
  const gap = 26;
  const volH = 56;
  const plotW = W - left - right;
  const slot = plotW / Math.max(daily.length, 1);
  const cx = (i) => left + slot * i + slot / 2;
  const y = (share) => top + rateH - share * rateH;
  const volTop = top + rateH + gap;
  const maxTotal = Math.max(1, ...daily.map((d) => d.total));
  const barW = Math.max(2, Math.min(30, slot * 0.6));

  const grid = [0, 0.5, 1].flatMap((share) => [
    s('line', { class: share === 0 ? 'axis' : 'grid', x1: left, x2: W - right, y1: y(share), y2: y(share) }),
    s('text', { class: 'tick', x: left - 8, y: y(share) + 4, 'text-anchor': 'end' }, percent(share)),
  ]);
  // The line, broken where a day had no runs.
  const segments = [];
  let current = [];
  daily.forEach((d, i) => {
    if (d.passRate === null) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(`${cx(i).toFixed(1)},${y(d.passRate).toFixed(1)}`);
  });
  if (current.length) segments.push(current);
  const lines = segments.map((points) => (points.length > 1 ? s('polyline', { class: 'rate-line', points: points.join(' ') }) : null));
  const points = daily.map((d, i) =>
    d.passRate === null
      ? null
      : s(
          'circle',
          { class: 'point', cx: cx(i).toFixed(1), cy: y(d.passRate).toFixed(1), r: 4.5, dataset: { date: d.date } },
          tip(`${dayLabel(d.date, true)}: ${percent(d.passRate)} passed (${d.passed} of ${d.total} runs; ${d.failed} failed, ${d.error} error)`),
        ),
  );
  const volumes = daily.map((d, i) => {
    let base = volTop + volH;
    const parts = ['passed', 'failed', 'error'].map((status) => {
      const height = (d[status] / maxTotal) * volH;
      base -= height;
      return d[status] === 0
        ? null
        : s('rect', { class: `volume ${status}`, x: (cx(i) - barW / 2).toFixed(1), y: base.toFixed(1), width: barW.toFixed(1), height: height.toFixed(1) });
    });
    return s(
      'g',
      { class: 'day', dataset: { date: d.date, total: String(d.total) } },
      parts,
      tip(`${dayLabel(d.date, true)}: ${d.total} run${d.total === 1 ? '' : 's'}`),
    );
  });
  // About eight date labels, counted back from the last day (today), which always has one.
  const every = Math.max(1, Math.ceil(daily.length / 8));
  const labels = daily.map((d, i) =>
    (daily.length - 1 - i) % every === 0 ? s('text', { class: 'tick', x: cx(i).toFixed(1), y: H - 4, 'text-anchor': 'middle' }, dayLabel(d.date)) : null,
  );
  return s(
    'svg',
    {
      class: 'chart pass-rate-chart',
      viewBox: `0 0 ${W} ${H}`,
      width: '100%',
      role: 'img',
      'aria-label': 'Pass rate per day, with the runs of each day below',
    },
    grid,
    s('text', { class: 'tick', x: left - 8, y: volTop + 10, 'text-anchor': 'end' }, String(maxTotal)),
    s('text', { class: 'tick', x: left - 8, y: volTop + volH, 'text-anchor': 'end' }, 'runs'),
    s('line', { class: 'axis', x1: left, x2: W - right, y1: volTop + volH, y2: volTop + volH }),
    volumes,
    lines,
    points,
    labels,
  );
}

/** A horizontal bar `share` (0…1) of the row's width: a picture beside a number. */
export function meter(share, kind) {
  const width = Math.max(0.5, Math.min(1, share) * 100);
  return s(
    'svg',
    { class: `meter ${kind}`, viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    s('rect', { class: 'meter-track', x: 0, y: 0, width: 100, height: 10, rx: 0 }),
    s('rect', { class: 'meter-fill', x: 0, y: 0, width: width.toFixed(2), height: 10 }),
  );
}

/** The duration chart's margins, so a strip above it can put each run over its bar. */
export const CHART_MARGINS = { left: 64, right: 16, width: 1100 };

/**
 * Runs as a row of coloured cells, oldest left, each a link to its run page. `aligned`: the cells
 * share the duration chart's width, each over its run's bar.
 */
export function runStrip(runs, describe, { aligned = false } = {}) {
  return h(
    'div',
    { class: aligned ? 'strip aligned' : 'strip', role: 'list' },
    runs.map((run) =>
      h('a', {
        class: 'cell',
        role: 'listitem',
        href: `/runs/${encodeURIComponent(run.id)}`,
        dataset: { nav: '', runId: run.id, status: run.status },
        title: describe(run),
        'aria-label': describe(run),
      }),
    ),
  );
}
