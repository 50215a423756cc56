import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  at: string;
  /** Browser processes (descendants of this server process) at the sample. */
  processes: number;
  /** Resident memory of those processes, bytes. */
  rssBytes: number;
  /** CPU time those processes used since the previous sample, ms. */
  cpuMs: number;
  /** cpuMs over the wall time since the previous sample (1.0 = one core busy). */
  cpuCores: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux
const PAGE_BYTES = 4096;

interface ProcInfo {
  pid: number;
  ppid: number;
  cpuTicks: number;
  rssPages: number;
}

function readProc(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited since it was listed
  }
  // The command name may contain spaces; fields after the closing paren are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    ppid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

/** Kernels built without CONFIG_PROC_CHILDREN have no children files: scan /proc instead. */
const HAS_CHILDREN_FILES = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

/** Children of every thread of `pid`: Chromium starts its helpers from several threads. */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    for (const child of text.trim().split(/\s+/)) if (child !== '') out.push(Number(child));
  }
  return out;
}

/**
 * The processes descending from `root` (Chromium and its helpers, for the server process).
 * Walks down from the root through /proc/<pid>/task/<tid>/children: a few dozen small reads for
 * a browser tree, where scanning every process on the machine took tens of milliseconds.
 * Synchronous on purpose: procfs reads are served from kernel memory and never block.
 */
export function descendants(root: number): ProcInfo[] {
  if (!HAS_CHILDREN_FILES) return scanAll(root);
  const out: ProcInfo[] = [];
  const seen = new Set<number>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const pid of childrenOf(stack.pop() as number)) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      const info = readProc(pid);
      if (info === null) continue;
      out.push(info);
      stack.push(pid);
    }
  }
  return out;
}

/** Fallback without the children files: every process's parent, from the whole of /proc. */
export function scanAll(root: number): ProcInfo[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const infos = names
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readProc(Number(n)))
    .filter((p): p is ProcInfo => p !== null);
  const children = new Map<number, ProcInfo[]>();
  for (const p of infos) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop() as number) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

interface Snapshot {
  at: number;
  procs: ProcInfo[];
}

/**
 * One timer and one walk of the process tree per (root, interval), however many runs sample it:
 * concurrent runs share one browser, so they would all read the same files at once.
 */
class SharedTicker {
  private static readonly tickers = new Map<string, SharedTicker>();
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();
  private timer: NodeJS.Timeout | null = null;
  private latest: Snapshot | null = null;

  private constructor(
    private readonly key: string,
    private readonly root: number,
    private readonly intervalMs: number,
  ) {}

  static for(root: number, intervalMs: number): SharedTicker {
    const key = `${root}/${intervalMs}`;
    let ticker = SharedTicker.tickers.get(key);
    if (!ticker) SharedTicker.tickers.set(key, (ticker = new SharedTicker(key, root, intervalMs)));
    return ticker;
  }

  /** A snapshot of now: a fresh walk unless another run took one a moment ago. */
  now(): Snapshot {
    const at = Date.now();
    if (this.latest && at - this.latest.at < Math.min(100, this.intervalMs / 2)) return this.latest;
    return (this.latest = { at, procs: descendants(this.root) });
  }

  subscribe(listener: (snapshot: Snapshot) => void): void {
    this.listeners.add(listener);
    if (this.timer) return;
    this.timer = setInterval(() => {
      const snapshot = (this.latest = { at: Date.now(), procs: descendants(this.root) });
      for (const l of this.listeners) l(snapshot);
    }, this.intervalMs);
    this.timer.unref();
  }

  unsubscribe(listener: (snapshot: Snapshot) => void): void {
    this.listeners.delete(listener);
    if (this.listeners.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    SharedTicker.tickers.delete(this.key);
  }
}

/**
 * Samples CPU and memory of the browser processes every `intervalMs` while a run executes
 * (`container_stats`). The browser is shared by concurrent runs, so samples cover all of them,
 * and the runs share the sampling too (SharedTicker).
 */
export class ProcessSampler {
  private readonly samples: ProcessSample[] = [];
  private readonly ticker: SharedTicker;
  private readonly listener = (snapshot: Snapshot) => this.record(snapshot);
  private running = false;
  private last: { at: number; ticks: Map<number, number> } | null = null;

  constructor(root = process.pid, intervalMs = 1000) {
    this.ticker = SharedTicker.for(root, intervalMs);
  }

  /** Samples taken so far. */
  get count(): number {
    return this.samples.length;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.record(this.ticker.now());
    this.ticker.subscribe(this.listener);
  }

  /** Takes a last sample and stops; later calls just return the samples. */
  async stop(): Promise<ProcessSample[]> {
    if (!this.running) return this.samples;
    this.running = false;
    this.ticker.unsubscribe(this.listener);
    this.record(this.ticker.now());
    return this.samples;
  }

  private record({ at, procs }: Snapshot): void {
    if (this.last && at <= this.last.at) return; // the snapshot it already has
    const ticks = new Map(procs.map((p) => [p.pid, p.cpuTicks]));
    let cpuMs = 0;
    if (this.last) {
      for (const p of procs) cpuMs += Math.max(0, p.cpuTicks - (this.last.ticks.get(p.pid) ?? 0)) * TICK_MS;
    }
    const wall = this.last ? at - this.last.at : 0;
    this.samples.push({
      at: new Date(at).toISOString(),
      processes: procs.length,
      rssBytes: procs.reduce((n, p) => n + p.rssPages * PAGE_BYTES, 0),
      cpuMs,
      cpuCores: wall > 0 ? Math.round((cpuMs / wall) * 100) / 100 : 0,
    });
    this.last = { at, ticks };
  }
}
