import { readdir, readFile } from 'node:fs/promises';

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

async function readProc(pid: number): Promise<ProcInfo | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  // The command name may contain spaces; fields after the closing paren are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    ppid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

/** The processes descending from `root` (Chromium and its helpers, for the server process). */
export async function descendants(root: number): Promise<ProcInfo[]> {
  const pids = (await readdir('/proc').catch(() => [])).filter((n) => /^\d+$/.test(n)).map(Number);
  const infos = (await Promise.all(pids.map(readProc))).filter((p): p is ProcInfo => p !== null);
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

/**
 * Samples CPU and memory of the browser processes every `intervalMs` while a run executes
 * (`container_stats`). The browser is shared by concurrent runs, so samples cover all of them.
 */
export class ProcessSampler {
  private readonly samples: ProcessSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last: { at: number; ticks: Map<number, number> } | null = null;

  constructor(
    private readonly root = process.pid,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample and stops; later calls just return the samples. */
  async stop(): Promise<ProcessSample[]> {
    if (!this.timer) return this.samples;
    clearInterval(this.timer);
    this.timer = null;
    await this.sample();
    return this.samples;
  }

  private async sample(): Promise<void> {
    const now = Date.now();
    const procs = await descendants(this.root);
    const ticks = new Map(procs.map((p) => [p.pid, p.cpuTicks]));
    let cpuMs = 0;
    if (this.last) {
      for (const p of procs) cpuMs += Math.max(0, p.cpuTicks - (this.last.ticks.get(p.pid) ?? 0)) * TICK_MS;
    }
    const wall = this.last ? now - this.last.at : 0;
    this.samples.push({
      at: new Date(now).toISOString(),
      processes: procs.length,
      rssBytes: procs.reduce((n, p) => n + p.rssPages * PAGE_BYTES, 0),
      cpuMs,
      cpuCores: wall > 0 ? Math.round((cpuMs / wall) * 100) / 100 : 0,
    });
    this.last = { at: now, ticks };
  }
}
