import { Command } from 'commander';
import { CliError } from './http-client.js';
import { registerImport } from './import.js';
import { registerServe } from './serve.js';

/** `bugrun`: output happens here and in reporters only; services never print. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('bugrun').description('Self-hosted BugBug-compatible browser test runs').showHelpAfterError();
  registerServe(program);
  registerImport(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    console.error(`bugrun: ${err instanceof CliError ? err.message : err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  }
}
