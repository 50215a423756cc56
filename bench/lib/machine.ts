import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { allChromiumPids, ownChromiumProcesses } from './processes.js';
import { repoRoot } from './paths.js';
import { defaultChromiumPath } from '../../src/runner/index.js';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  playwrightCore: string;
  chromium: string;
  date: string;
}

export interface LoadSnapshot {
  at: string;
  /** 1, 5 and 15 minute load averages. */
  loadavg: [number, number, number];
  /** Chromium processes on the machine that are not this bench's (other engineers' tests). */
  foreignChromiumProcesses: number;
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(repoRoot(), 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `chromium --version` of the binary the service launches, when the bench never saw a browser. */
function chromiumVersionOf(binary: string): string {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineFacts(chromiumVersion: string): MachineFacts {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    playwrightCore: packageVersion('playwright-core'),
    chromium: chromiumVersion === 'unknown' ? chromiumVersionOf(defaultChromiumPath()) : `Chromium ${chromiumVersion}`,
    date: new Date().toISOString(),
  };
}

export function loadSnapshot(): LoadSnapshot {
  const own = new Set(ownChromiumProcesses().map((p) => p.pid));
  const [a = 0, b = 0, c = 0] = loadavg();
  return {
    at: new Date().toISOString(),
    loadavg: [Math.round(a * 100) / 100, Math.round(b * 100) / 100, Math.round(c * 100) / 100],
    foreignChromiumProcesses: allChromiumPids().filter((p) => !own.has(p)).length,
  };
}
