import { execFileSync } from 'node:child_process';
import { HarnessError, HarnessErrorCode } from './harness-error.js';
import type { RunAs } from './server-process.js';

function idOf(flag: '-u' | '-g'): number {
  try {
    return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  } catch (error) {
    throw new HarnessError(
      HarnessErrorCode.CommandFailed,
      'running as root, postgres needs the `postgres` OS user, which does not exist (install the postgresql package)',
      { cause: error },
    );
  }
}

let runAs: RunAs | undefined;

/**
 * Whom initdb and postgres run as: postgres refuses to run as root, so as root they run as the
 * `postgres` OS user; otherwise as ourselves (undefined).
 */
export function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  runAs ??= { uid: idOf('-u'), gid: idOf('-g') };
  return runAs;
}
