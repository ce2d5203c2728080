#!/usr/bin/env node
// The `switchboard` command: registers tsx so Node can load the TypeScript sources, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../host/cli/main.ts');
await runMain();
