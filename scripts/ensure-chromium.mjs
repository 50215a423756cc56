#!/usr/bin/env node
// Bugrun drives Debian's Chromium and never downloads a browser. When it is missing, install it
// (as root, with apt-get) or say exactly what to run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (process.env.BUGRUN_BROWSER_WS || existsSync(wanted)) process.exit(0);

const command = 'apt-get update && apt-get install -y chromium';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.error(`Chromium not found at ${wanted}; installing Debian's chromium (${command})...`);
  try {
    execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync('/usr/bin/chromium')) process.exit(0);
  } catch {
    // fall through to the instructions
  }
}
console.error(
  `Chromium not found at ${wanted}. Install Debian's Chromium with:\n\n  sudo ${command}\n\n` +
    'or point CHROMIUM_PATH at a Chromium binary, or BUGRUN_BROWSER_WS at a remote browser.',
);
process.exit(1);
