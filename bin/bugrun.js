#!/usr/bin/env node
// The CLI is written in TypeScript; `npm ci` builds it into dist/ (the `prepare` script).
import { main } from '../dist/src/cli/main.js';

await main(process.argv);
