import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/bugrun.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer extends BugrunProcess {
  url: string;
  token: string;
}

/**
 * Every process the tests started that may still run. A test that fails or times out may never
 * stop its server: when the test file's worker exits, they are killed with it (their browsers end
 * with them, as their pipe to the server closes).
 */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function track<T extends ChildProcess>(child: T): T {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** A `bugrun` process the test started: its output so far, and a way to end it. */
export interface BugrunProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `bugrun <args>` as a real process and waits until its output matches `ready`. */
export async function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<BugrunProcess> {
  const child = track(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bugrun ${args.join(' ')} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    pid: child.pid ?? 0,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `bugrun serve` as a real process and waits for its banner. */
export async function startServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const started = await startProcess(['serve', ...args], env, /Bugrun (\(API only\) )?is running at \S+[\s\S]*API token: /);
  const out = started.output();
  return {
    ...started,
    url: /is running at (\S+)/.exec(out)?.[1] ?? '',
    // Shown only when Bugrun generated it; one the caller chose is theirs already.
    token: env.BUGRUN_TOKEN || (/API token: (\S+)/.exec(out)?.[1] ?? ''),
  };
}

/** Starts `bugrun worker` as a real process; resolves once it takes runs, with its worker id. */
export async function startWorker(args: string[], env: Record<string, string> = {}): Promise<BugrunProcess & { id: string }> {
  const started = await startProcess(['worker', ...args], env, /Bugrun worker \S+ is taking runs/);
  return { ...started, id: /Bugrun worker (\S+) is taking runs/.exec(started.output())?.[1] ?? '' };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = track(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
