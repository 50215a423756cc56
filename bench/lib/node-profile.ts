import { Session } from 'node:inspector/promises';

/** What a sample of this process's main thread was doing, by the code it was in. */
export type NodePart =
  | 'network log / HAR'
  | 'console capture'
  | 'waiting conditions'
  | 'actions and assertions'
  | 'screenshots'
  | 'runner (other)'
  | 'browser protocol (playwright-core)'
  | 'stats sampling'
  | 'log and artifact writes'
  | 'database'
  | 'API'
  | 'bench client'
  | 'garbage collection'
  | 'other (V8, Node internals)';

/** Our modules by path (src/... from dist/ or, under vitest, from source), first match wins. */
const OURS: [RegExp, NodePart][] = [
  [/\/src\/runner\/network-log\.[jt]s$|\/src\/reports\/har\.[jt]s$/, 'network log / HAR'],
  [/\/src\/runner\/console-capture\.[jt]s$/, 'console capture'],
  [/\/src\/runner\/(waiting-conditions|condition-probe)\.[jt]s$/, 'waiting conditions'],
  [/\/src\/runner\/(actions\/|assertions\.|fast-probe\.|selectors\.|shadow-xpath\.|step-context\.)/, 'actions and assertions'],
  [/\/src\/runner\/capture\.[jt]s$/, 'screenshots'],
  [/\/src\/runs\/process-stats\.[jt]s$/, 'stats sampling'],
  [/\/src\/runs\/recorder\.[jt]s$|\/src\/reports\/|\/src\/store\/(blobs|artifacts|s3-blobs)\.[jt]s$/, 'log and artifact writes'],
  [/\/src\/(runner|runs)\//, 'runner (other)'],
  [/\/src\/store\//, 'database'],
  [/\/src\/(api|use-cases|definitions|service\.)/, 'API'],
];

/** The bench's own code: its HTTP client and, inside runner stacks, its phase readings. */
const BENCH = /\/bench\/(lib|figures)\/|\/bench\/(harness|run)\.[jt]s$/;

/** Libraries, when no module of ours is on the stack. */
const LIBRARIES: [RegExp, NodePart][] = [
  [/node_modules\/playwright-core\//, 'browser protocol (playwright-core)'],
  [/node_modules\/(kysely|better-sqlite3|pg|pg-boss)\//, 'database'],
  [/node_modules\/(fastify|@fastify|light-my-request|find-my-way|avvio|pino|fast-json-stringify|ajv)/, 'API'],
  [/node_modules\/undici\/|node:internal\/deps\/undici/, 'bench client'],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/**
 * The part a stack (innermost frame first) belongs to: the bench's own work wherever a bench frame
 * is on it, else the innermost module of ours, else the innermost library.
 */
function partOf(stack: readonly ProfileNode['callFrame'][]): NodePart | 'idle' {
  const leaf = stack[0];
  if (leaf?.functionName === '(idle)') return 'idle';
  if (leaf?.functionName === '(garbage collector)') return 'garbage collection';
  if (stack.some((frame) => BENCH.test(frame.url) && !frame.url.includes('/node_modules/'))) return 'bench client';
  for (const frame of stack) {
    if (frame.url.includes('/node_modules/')) continue;
    for (const [re, part] of OURS) if (re.test(frame.url)) return part;
  }
  for (const frame of stack) for (const [re, part] of LIBRARIES) if (re.test(frame.url)) return part;
  return 'other (V8, Node internals)';
}

/** Samples per part (idle left out). */
function samplesByPart(profile: Profile): Map<NodePart, number> {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const memo = new Map<number, NodePart | 'idle'>();
  const counts = new Map<NodePart, number>();
  for (const id of profile.samples) {
    let part = memo.get(id);
    if (part === undefined) {
      const stack: ProfileNode['callFrame'][] = [];
      for (let n = byId.get(id); n; n = parent.get(n.id)) stack.push(n.callFrame);
      part = partOf(stack);
      memo.set(id, part);
    }
    if (part !== 'idle') counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  return counts;
}

/**
 * V8's sampling profiler on this process's main thread, through the in-process inspector:
 * what `node --cpu-prof` records, for a window the bench chooses.
 */
export async function startNodeProfile(intervalUs = 500): Promise<{ stop(): Promise<Map<NodePart, number>> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      await session.post('Profiler.disable');
      session.disconnect();
      return samplesByPart(profile);
    },
  };
}
