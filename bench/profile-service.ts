#!/usr/bin/env node
/**
 * Profiles the service's own run path without the raw baseline in the same process:
 *   npm run build && node --cpu-prof --cpu-prof-dir=/tmp/bugrun-prof dist/bench/profile-service.js [runs] [steps]
 *   node dist/bench/profile-summary.js /tmp/bugrun-prof/<file>.cpuprofile
 * Prints each run's breakdown (where its milliseconds went) and the medians.
 */
import { startBenchService } from './lib/bench-service.js';
import { closeHttpAgent } from './lib/http.js';
import { referenceSteps, referenceYaml, REFERENCE_SLUG } from './lib/reference-test.js';
import { startSiteServer } from './lib/site-server.js';
import { makeTempRoot, removeTempRoot } from './lib/temp.js';
import { medianBreakdown, timedServiceRun, type ServiceRunBreakdown } from './figures/run-latency.js';

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? '10');
  const steps = referenceSteps(Number(process.argv[3] ?? '20'));
  const tempRoot = await makeTempRoot();
  const site = await startSiteServer();
  const bench = await startBenchService({ concurrency: 1, tempRoot });
  try {
    const ids = await bench.importYaml({ 'ref.yaml': referenceYaml(site.url, steps) });
    const testId = ids.get(REFERENCE_SLUG) as string;
    await timedServiceRun(bench, testId);
    const all: ServiceRunBreakdown[] = [];
    for (let i = 0; i < runs; i++) {
      const b = await timedServiceRun(bench, testId);
      all.push(b);
      process.stdout.write(`${JSON.stringify(medianBreakdown([b]))}\n`);
    }
    process.stdout.write(`median ${JSON.stringify(medianBreakdown(all))}\n`);
  } finally {
    await bench.close();
    await site.close();
    await removeTempRoot(tempRoot);
    closeHttpAgent();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
