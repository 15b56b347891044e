import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { HarnessError, HarnessErrorCode } from './harness-error.js';

// A non-root PATH often lacks the sbin directories, where Debian installs nats-server.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
// Debian keeps the postgres server programs off PATH, one directory per major version.
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';
const PG_SERVER_PROGRAMS = ['initdb', 'postgres'];

const INSTALL_HINT = 'run `bash deploy/local/ensure-binaries.sh` to install it';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchDirs(): string[] {
  const fromPath = (process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  return [...fromPath, ...SBIN_DIRS];
}

const found = new Map<string, string>();

/** The absolute path of an installed program, found on PATH or in the sbin directories. */
export function findBinary(name: string): string {
  const cached = found.get(name);
  if (cached !== undefined) return cached;
  for (const dir of searchDirs()) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) {
      found.set(name, candidate);
      return candidate;
    }
  }
  throw new HarnessError(HarnessErrorCode.BinaryNotFound, `${name} not found; ${INSTALL_HINT}`);
}

function hasPgServerPrograms(dir: string): boolean {
  return PG_SERVER_PROGRAMS.every((program) => isExecutable(join(dir, program)));
}

let pgBinDir: string | undefined;

/**
 * The directory holding initdb and postgres: the newest /usr/lib/postgresql/<major>/bin, else
 * the directory of an initdb found on PATH.
 */
export function findPostgresBinDir(): string {
  if (pgBinDir !== undefined) return pgBinDir;
  let majors: string[] = [];
  try {
    majors = readdirSync(DEBIAN_PG_ROOT).filter((entry) => /^\d+(\.\d+)?$/.test(entry));
  } catch {
    // No Debian layout; fall back to PATH below.
  }
  majors.sort((a, b) => Number(b) - Number(a));
  const candidates = majors.map((major) => join(DEBIAN_PG_ROOT, major, 'bin'));
  candidates.push(...searchDirs());
  const dir = candidates.find(hasPgServerPrograms);
  if (dir === undefined) {
    throw new HarnessError(
      HarnessErrorCode.BinaryNotFound,
      `postgres server programs (initdb, postgres) not found; ${INSTALL_HINT}`,
    );
  }
  pgBinDir = dir;
  return dir;
}
