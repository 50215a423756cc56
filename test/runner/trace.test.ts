import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_MASK, type RunEvent, type TestPlan } from '../../src/domain/index.js';
import { BrowserPool, defaultChromiumPath, runPlan, type TraceRecording } from '../../src/runner/index.js';
import { unzipSync } from 'fflate';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { click, CollectingSink, goto, plan, type, variable } from './plan-builder.js';

/**
 * A run's Playwright trace (issue #17), in real Chromium: each step a named group, secrets masked
 * inside the zip, a trace over its size limit or lost with a stopped run only noted.
 */
let server: FixtureServer;
const pool = new BrowserPool({ executablePath: defaultChromiumPath() });

beforeAll(async () => {
  server = await startFixtureServer();
  await pool.browser();
}, 30_000);

afterAll(async () => {
  await pool.close();
  await server?.close();
});

interface Traced {
  outcome: Awaited<ReturnType<typeof runPlan>>;
  sink: CollectingSink;
  notes: string[];
  /** The `trace` artifact's bytes, if the runner emitted one. */
  zip: Buffer | null;
}

async function traced(p: TestPlan, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Traced> {
  const sink = new CollectingSink();
  const notes: string[] = [];
  const trace: TraceRecording = { note: (m) => notes.push(m), maxBytes: opts.maxBytes };
  const outcome = await runPlan(p, { pool, sink, signal: opts.signal ?? new AbortController().signal, trace });
  const artifacts = sink.ofType('artifact').filter((e: Extract<RunEvent, { type: 'artifact' }>) => e.kind === 'trace');
  expect(artifacts.length).toBeLessThanOrEqual(1);
  const data = artifacts[0]?.data;
  return { outcome, sink, notes, zip: data === undefined ? null : Buffer.from(data as Uint8Array) };
}

/** Every text entry of the zip, by name. */
async function texts(zip: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    if (/\.(jpe?g|png)$/.test(name)) continue;
    out.set(name, Buffer.from(bytes).toString('utf8'));
  }
  return out;
}

type TraceLine = { type: string; callId?: string; parentId?: string; method?: string; title?: string; error?: unknown };

function events(traceText: string): TraceLine[] {
  return traceText
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TraceLine);
}

describe('the Playwright trace of a run', () => {
  it('is a real trace zip in which every step is a group named "Step N: <name or action>", the failing action inside its step', async () => {
    const { outcome, zip, notes } = await traced(
      plan([
        goto(`${server.url}/button.html`),
        type('#name', 'typed by the test', { name: 'Fill the name' }),
        click('#missing', { name: 'Submit', runTimeout: 1 }),
      ]),
    );
    expect(outcome.status).toBe('failed');
    expect(notes).toEqual([]);
    expect(zip).not.toBeNull();
    expect(zip!.subarray(0, 2).toString('latin1')).toBe('PK');
    const entries = await texts(zip!);
    expect([...entries.keys()]).toContain('trace.trace');
    const lines = events(entries.get('trace.trace')!);
    const groups = lines.filter((l) => l.type === 'before' && l.method === 'tracingGroup');
    expect(groups.map((g) => g.title)).toEqual(['Step 1: goto', 'Step 2: Fill the name', 'Step 3: Submit']);
    // The call that failed (waiting for #missing) belongs to "Step 3: Submit": the viewer shows it under that name.
    const failed = lines.filter((l) => l.type === 'after' && l.error !== undefined).map((l) => l.callId);
    const failedCalls = lines.filter((l) => l.type === 'before' && failed.includes(l.callId));
    expect(failedCalls.length).toBeGreaterThan(0);
    for (const call of failedCalls) expect(call.parentId).toBe(groups[2]?.callId);
    // Screenshots and DOM snapshots were recorded.
    expect(Object.keys(unzipSync(zip!)).some((name) => /\.jpe?g$/.test(name))).toBe(true);
    expect(lines.some((l) => l.type === 'frame-snapshot')).toBe(true);
  });

  it("masks the run's secrets in every text of the zip, which stays a valid zip", async () => {
    const secret = 'hunter2-trace-secret';
    const typed = 'typed-secret-9f3a';
    const { outcome, zip } = await traced(
      plan([goto(`${server.url}/login.html`), type('#password', '{{password}}'), type('#pin', typed, { secret: true, name: `PIN ${typed}` })], {
        variables: [variable('password', secret, 'profile', true)],
      }),
    );
    expect(outcome.status).toBe('passed');
    const entries = await texts(zip!);
    const all = [...entries.values()].join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(typed);
    expect(all).toContain(SECRET_MASK);
    // Rewritten entries keep their CRC right: Playwright's trace still parses line by line.
    expect(events(entries.get('trace.trace')!).some((l) => l.title === `Step 3: PIN ${SECRET_MASK}`)).toBe(true);
  });

  it('drops a trace over the size limit with a note, and the run keeps its own outcome', async () => {
    const { outcome, zip, notes } = await traced(plan([goto(`${server.url}/button.html`), click('#go')]), { maxBytes: 1024 });
    expect(outcome.status).toBe('passed');
    expect(zip).toBeNull();
    expect(notes).toEqual([expect.stringMatching(/^Trace dropped: [\d.]+ MiB is over the limit of 0\.00 MiB$/)]);
  });

  it('notes a trace lost with a stopped run, which still ends stopped', async () => {
    const controller = new AbortController();
    const running = traced(plan([goto(`${server.url}/gate?name=trace-stop`)]), { signal: controller.signal });
    await server.arrived('trace-stop');
    controller.abort();
    const { outcome, zip, notes } = await running;
    server.open('trace-stop');
    expect(outcome.status).toBe('stopped');
    expect(zip).toBeNull();
    expect(notes).toEqual(['Trace lost: the run was stopped']);
  });

  it('records nothing when not asked to', async () => {
    const sink = new CollectingSink();
    const outcome = await runPlan(plan([goto(`${server.url}/button.html`)]), { pool, sink, signal: new AbortController().signal });
    expect(outcome.status).toBe('passed');
    expect(sink.ofType('artifact')).toEqual([]);
  });
});
