import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { registerAlert } from './alert.js';
import { registerConfig } from './config-command.js';
import { CliError } from './http-client.js';
import { registerImport } from './import.js';
import { registerRemote } from './remote.js';
import { registerRunLocal } from './run-local.js';
import { registerSchedule } from './schedule.js';
import { registerServe } from './serve.js';
import { registerToken } from './token.js';

/**
 * `bugrun`: output happens here and in the command files only; services never print. Every
 * command file registers its commands cheaply and loads what is heavy (the store, the runner, the
 * YAML validator) inside its action, so the client commands start fast.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('bugrun')
    .description('Self-hosted BugBug-compatible browser test runs')
    // Usage errors as one line (`bugrun: unknown option '--x'`), like every other failure.
    .configureOutput({ outputError: (message, write) => write(`bugrun: ${message.replace(/^error: /, '').trimEnd()} (see --help)\n`) });
  registerServe(program);
  registerImport(program);
  registerRemote(program);
  registerRunLocal(program);
  registerSchedule(program);
  registerAlert(program);
  registerConfig(program);
  registerToken(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const known = err instanceof CliError || err instanceof ConfigError;
    // Every line of a known error starts `bugrun: ` (a refusal names each field on a line of its own).
    console.error(known ? err.message.replace(/^/gm, 'bugrun: ') : `bugrun: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  }
}
