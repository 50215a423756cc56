import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { descendants, ProcessSampler, scanAll } from '../../src/runs/process-stats.js';
import { waitUntil } from '../helpers/wait.js';

describe('browser process stats', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.pid) process.kill(-child.pid, 'SIGKILL');
  });

  async function tree(): Promise<number> {
    // A shell with two children of its own: grandchildren of this process.
    child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & echo ready; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((resolve) => child!.stdout!.once('data', resolve));
    return child.pid!;
  }

  it('finds children and grandchildren by walking down the tree, as a scan of all of /proc does', async () => {
    const shell = await tree();
    const found = descendants(process.pid);
    const mine = found.filter((p) => p.pid === shell || p.ppid === shell);
    expect(mine.find((p) => p.pid === shell)?.ppid).toBe(process.pid);
    expect(mine.filter((p) => p.ppid === shell)).toHaveLength(2);
    const byPid = (list: { pid: number; ppid: number }[]) => list.map((p) => `${p.pid}<${p.ppid}`).sort();
    expect(byPid(found)).toEqual(byPid(scanAll(process.pid)));
    expect(descendants(shell).map((p) => p.ppid)).toEqual([shell, shell]);
  });

  it('samples the memory and CPU of the tree from start to stop', async () => {
    const shell = await tree();
    const sampler = new ProcessSampler(shell, 20);
    sampler.start();
    await waitUntil(
      'three samples',
      async () => sampler.count,
      (n) => n >= 3,
    );
    const samples = await sampler.stop();
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.map((s) => s.processes)).toEqual(samples.map(() => 2));
    expect(samples.at(-1)?.rssBytes).toBeGreaterThan(0); // (0 is possible while the sleeps are still being exec'd)
    expect(samples[0]?.cpuMs).toBe(0);
    expect(await sampler.stop()).toBe(samples);
  });

  it('shares one walk of the tree per tick between the runs sampling at once', async () => {
    const shell = await tree();
    const a = new ProcessSampler(shell, 25);
    const b = new ProcessSampler(shell, 25);
    a.start();
    await waitUntil(
      'A sampling',
      async () => a.count,
      (n) => n >= 2,
    );
    b.start();
    // Two ticks with both subscribed: each is one walk of the tree, seen by both.
    await waitUntil(
      'B sampling beside A',
      async () => b.count,
      (n) => n >= 3,
    );
    const fromA = await a.stop();
    const afterA = b.count;
    await waitUntil(
      'B sampling alone',
      async () => b.count,
      (n) => n >= afterA + 1,
    );
    const fromB = await b.stop();
    const shared = fromB.map((s) => s.at).filter((at) => fromA.some((x) => x.at === at));
    expect(shared.length).toBeGreaterThanOrEqual(2);
    // B goes on alone after A stopped, and each keeps its own CPU deltas (its first is 0).
    expect(fromB.length).toBeGreaterThan(shared.length);
    expect(fromB[0]?.cpuMs).toBe(0);
  });
});
