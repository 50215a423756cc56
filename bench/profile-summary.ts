#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by package / our folders, and
 * the top functions. `node dist/bench/profile-summary.js FILE [top]`.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const ours = /\/dist\/(src\/[^/]+|bench)\//.exec(url);
  if (ours) return ours[1];
  if (url.startsWith('node:')) return 'node:internals';
  return url;
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary FILE [top]');
const top = Number(process.argv[3] ?? '25');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = (profile.endTime - profile.startTime) / 1000;
const byArea = new Map<string, number>();
const byFn = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const { url, functionName, lineNumber } = n.callFrame;
  const a = area(url, functionName);
  byArea.set(a, (byArea.get(a) ?? 0) + us / 1000);
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us / 1000);
}
// Each sample charged to the innermost frame of our own code (dist/src/…) on its stack: what
// each of our modules costs including the library work it causes.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const owner = new Map<number, string>();
const ownerOf = (id: number): string => {
  const cached = owner.get(id);
  if (cached !== undefined) return cached;
  const n = byId.get(id);
  let result: string;
  if (!n) result = '(unknown)';
  else if (n.callFrame.functionName === '(idle)') result = '(idle)';
  else {
    const m = /\/dist\/(src\/.+?\.js)$/.exec(n.callFrame.url);
    const up = parent.get(id);
    result = m ? m[1] : up === undefined ? '(no code of ours on the stack)' : ownerOf(up);
  }
  owner.set(id, result);
  return result;
};
const byOwner = new Map<string, number>();
for (const [id, us] of self) byOwner.set(ownerOf(id), (byOwner.get(ownerOf(id)) ?? 0) + us / 1000);

const print = (title: string, m: Map<string, number>, n: number): void => {
  process.stdout.write(`${title}\n`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${k}\n`);
  }
};
process.stdout.write(`profile: ${total.toFixed(0)} ms wall\n`);
print('self time by area', byArea, 30);
print('by our innermost module on the stack (self time of everything it called)', byOwner, 30);
print('top functions (self time)', byFn, top);
