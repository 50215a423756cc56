import type { Browser } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { descendants } from '../../src/runs/process-stats.js';

/** Linux /proc helpers: the browser's process tree and its proportional memory (PSS). */

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
  /** utime + stime + cutime + cstime in ms: the process's CPU plus that of children it reaped. */
  cpuMs: number;
}

/** USER_HZ is 100 on Linux. */
const TICK_MS = 10;

/** utime + stime + cutime + cstime of `pid` in ms, from the fields after comm (which may hold spaces and parentheses). */
function statOf(pid: number): { ppid: number; cpuMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), cpuMs: (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) * TICK_MS };
  } catch {
    return null; // exited while we looked
  }
}

function readProc(pid: number): ProcInfo | null {
  const stat = statOf(pid);
  if (!stat) return null;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, cmdline, ...stat };
  } catch {
    return null; // exited while we looked
  }
}

export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) out.push(info);
  }
  return out;
}

/** `root` and every process below it. */
export function processTree(root: number, all: ProcInfo[] = listProcesses()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const self = all.find((p) => p.pid === root);
  const out: ProcInfo[] = self ? [self] : [];
  const stack = [root];
  for (let guard = 0; stack.length > 0 && guard < 100_000; guard++) {
    const pid = stack.pop() as number;
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

function isChromium(p: ProcInfo): boolean {
  return /chrom(e|ium)/i.test(p.cmdline.split(' ')[0] ?? '');
}

/** Chromium processes started (directly or not) by this Node process. */
export function ownChromiumProcesses(): ProcInfo[] {
  return processTree(process.pid).filter((p) => p.pid !== process.pid && isChromium(p));
}

/** All Chromium processes on the machine (other engineers' test runs included). */
export function allChromiumPids(): number[] {
  return listProcesses()
    .filter(isChromium)
    .map((p) => p.pid);
}

/** Proportional set size in KiB (shared pages split between their users), 0 when unreadable. */
export function pssKb(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+) kB/m.exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** PSS of a browser and all its helpers (zygotes, renderers, GPU/network/storage services), in MiB. */
export function treePssMb(rootPid: number): { mb: number; processes: number } {
  const tree = processTree(rootPid);
  const kb = tree.reduce((s, p) => s + pssKb(p.pid), 0);
  return { mb: kb / 1024, processes: tree.length };
}

/**
 * The OS pid of a browser's main process, asked from the browser itself over CDP
 * (SystemInfo.getProcessInfo): Playwright 1.65's Browser has no process(), and the service
 * launches its pool's browser in the background, so comparing process lists is unreliable.
 */
export async function browserProcessId(browser: Browser): Promise<number | null> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    return info.processInfo.find((p) => p.type === 'browser')?.id ?? null;
  } catch {
    return null;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * CPU time of a browser's process tree in ms. Monotonic across a run: a renderer that exits is
 * reaped by its zygote, whose cutime/cstime then carry its CPU time. Walks down from the root
 * (a few dozen small reads), so it is cheap enough to read at every runner phase.
 */
export function treeCpuMs(rootPid: number): number {
  return [rootPid, ...descendants(rootPid).map((p) => p.pid)].reduce((s, pid) => s + (statOf(pid)?.cpuMs ?? 0), 0);
}

/**
 * Resolves once the browser's tree has used at most one /proc tick (10 ms) of CPU over `quietMs`
 * (an idle browser uses a few ms a second), or after `limitMs`. A run leaves work behind after
 * its last awaited call (renderers exiting, the next context's page starting up): a CPU reading
 * that ends before it is done misses it, one that starts before it is done takes on another's.
 */
export async function browserQuiet(rootPid: number, quietMs = 200, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let before = treeCpuMs(rootPid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = treeCpuMs(rootPid);
    if (now - before <= TICK_MS) return;
    before = now;
  }
}

/**
 * CPU time of this process's main thread (the event loop serving HTTP) in ms, from
 * /proc/self/task/<pid>/stat: unlike process.cpuUsage() it leaves out worker threads such as
 * autocannon's, libuv's pool and V8's helpers.
 */
export function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** CPU time of this Node process (all threads) in ms. */
export function nodeCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Samples `read()` every `everyMs` until stopped; the samples include one at start and one at stop. */
export function sampleEvery(read: () => number, everyMs = 200): { stop(): number[] } {
  const samples: number[] = [read()];
  const timer = setInterval(() => samples.push(read()), everyMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(read());
      return samples;
    },
  };
}

/**
 * The PSS of a browser's process tree (MiB), sampled until stopped. Reading smaps_rollup of ~10
 * processes costs a few ms, so 200 ms keeps the overhead small.
 */
export function sampleTreePss(rootPid: number, everyMs = 200): { stop(): number[] } {
  return sampleEvery(() => treePssMb(rootPid).mb, everyMs);
}
