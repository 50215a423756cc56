/** One line of the summary table: a Bugrun figure, its baseline, and the goal it is held to. */
export interface Row {
  figure: string;
  metric: string;
  unit: string;
  value: number;
  baseline: number | null;
  baselineLabel: string | null;
  /** value / baseline. */
  ratio: number | null;
  /** Human-readable goal, e.g. "≤ 0.75× baseline" or "≤ 50 ms". */
  goal: string | null;
  /** Null when there is no goal. */
  met: boolean | null;
}

export type Goal =
  { kind: 'ratioMax'; max: number } | { kind: 'ratioMin'; min: number } | { kind: 'valueMax'; max: number } | { kind: 'valueMin'; min: number };

export function row(figure: string, metric: string, unit: string, value: number, baseline?: { value: number; label: string }, goal?: Goal): Row {
  const ratio = baseline && Number.isFinite(baseline.value) && baseline.value !== 0 ? value / baseline.value : null;
  let goalText: string | null = null;
  let met: boolean | null = null;
  if (goal) {
    switch (goal.kind) {
      case 'ratioMax':
        goalText = `≤ ${goal.max}× baseline`;
        met = ratio !== null && ratio <= goal.max;
        break;
      case 'ratioMin':
        goalText = `≥ ${goal.min}× baseline`;
        met = ratio !== null && ratio >= goal.min;
        break;
      case 'valueMax':
        goalText = `≤ ${goal.max} ${unit}`;
        met = Number.isFinite(value) && value <= goal.max;
        break;
      case 'valueMin':
        goalText = `≥ ${goal.min} ${unit}`;
        met = Number.isFinite(value) && value >= goal.min;
        break;
    }
  }
  return {
    figure,
    metric,
    unit,
    value,
    baseline: baseline?.value ?? null,
    baselineLabel: baseline?.label ?? null,
    ratio,
    goal: goalText,
    met,
  };
}

function fmt(n: number | null, unit = ''): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export function formatValue(n: number | null, unit: string): string {
  return fmt(n, unit);
}

export function formatRatio(r: number | null): string {
  return r === null || !Number.isFinite(r) ? '–' : `${r.toFixed(2)}×`;
}

export function verdict(met: boolean | null): string {
  return met === null ? '' : met ? 'met' : 'MISSED';
}

/** One fixed-width line for stdout as figures complete. */
export function formatRowLine(r: Row): string {
  const base = r.baseline === null ? '' : `${fmt(r.baseline, r.unit)} (${r.baselineLabel ?? ''})`;
  return [
    r.figure.padEnd(11),
    r.metric.padEnd(44),
    fmt(r.value, r.unit).padStart(13),
    base.padEnd(40),
    formatRatio(r.ratio).padStart(7),
    (r.goal ?? '').padEnd(16),
    verdict(r.met),
  ].join(' ');
}
