#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { runSwitchyardCli } from '../admin/cli/run-admin-cli.js';

// `switchyard admin <resource> <verb> …` — the operator CLI over the admin API (see USAGE in
// src/admin/cli/usage.ts). Relative paths (--demo, --token-file, --credentials @file) are
// read from the working directory.
runSwitchyardCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`switchyard: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
