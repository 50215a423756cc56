import type { Command } from 'commander';
import { clientConfigPath, normalizeServerUrl, readSavedClientConfig, resolveClientConfig, saveClientConfig } from '../config/client-config.js';
import { CliError } from './http-client.js';

/** `bugrun config set-token|set-url|show`: the saved settings of the client commands (like `bugbug config`). */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('save the server URL and API token the client commands use');

  config
    .command('set-token')
    .description('save the API token (file mode 0600)')
    .argument('<token>', 'an API token (`bugrun token create` makes one)')
    .action((token: string) => {
      if (token.trim() === '' || /\s/.test(token.trim())) throw new CliError('The token must be one word without spaces');
      const path = clientConfigPath();
      saveClientConfig(path, { token: token.trim() });
      console.log(`Saved the API token to ${path}`);
    });

  config
    .command('set-url')
    .description('save the Bugrun server URL (default http://127.0.0.1:8080)')
    .argument('<url>', 'e.g. https://bugrun.example.com')
    .action((url: string) => {
      const path = clientConfigPath();
      saveClientConfig(path, { url: normalizeServerUrl(url) });
      console.log(`Saved the server URL to ${path}`);
    });

  config
    .command('show')
    .description('print the settings in effect (flags > environment > saved file > defaults)')
    .action(() => {
      const path = clientConfigPath();
      const saved = readSavedClientConfig(path);
      const effective = resolveClientConfig({});
      const masked = effective.token ? `${effective.token.slice(0, 4)}…${effective.token.length > 12 ? effective.token.slice(-2) : ''}` : '(none)';
      console.log(
        [
          `Config file: ${path}${Object.keys(saved).length === 0 ? ' (empty or missing)' : ''}`,
          `URL: ${effective.url}`,
          `Token: ${masked}${effective.tokenSource ? ` (from ${effective.tokenSource === 'saved' ? 'the config file' : 'BUGRUN_TOKEN'})` : ''}`,
        ].join('\n'),
      );
    });
}
