#!/usr/bin/env node
// The `rfcdoc` bin: registers tsx itself, so the TypeScript CLI runs from any
// working directory (a `--import tsx` shebang resolves tsx from the cwd).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
