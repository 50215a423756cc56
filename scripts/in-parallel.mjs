#!/usr/bin/env node
// Runs shell commands side by side (type-check and lint use one core each) and fails when any
// of them fails. Usage: node scripts/in-parallel.mjs "cmd one" "cmd two"
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
const codes = await Promise.all(
  commands.map(
    (command) =>
      new Promise((resolve) => {
        const child = spawn(command, { shell: true, stdio: 'inherit' });
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      }),
  ),
);
const failed = commands.filter((_, i) => codes[i] !== 0);
for (const command of failed) console.error(`in-parallel: failed: ${command}`);
process.exit(failed.length > 0 ? 1 : 0);
